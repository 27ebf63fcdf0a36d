/**
 * Sources and streams, declared (as tap-github declares its streams). A source is a folder
 * (extractors/github/; later extractors/pagerduty/, extractors/incident-io/, extractors/files/) exposing one
 * `Source`: its name (its lake folder and cursor namespace), whether the configuration asks for it, how its
 * client is made from the configuration and the environment, and its streams in the order they run. A
 * stream is declared in one place, its `<name>.stream.ts`: its name, the requests it sends, the lake
 * streams it lands (record type, key columns, Parquet columns), its cursor, how it partitions, and how it
 * reads one partition. The runner (extract.ts) runs every stream of every source the same way: progress,
 * partial runs, clean stops, sink flushes. See docs/extractors.md.
 */
import type { Config } from "../core/config.ts";
import { InputError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { RequestRecord } from "./http/request-record.ts";
import type { LakeStream } from "./lake-stream.ts";
import type { StreamContext, StreamCursor } from "./stream-context.ts";

/** One unit a stream reads on its own: a repository, a search scope, a service. */
export interface Partition {
  /** As progress, the log and the incomplete list name it: `acme/api`, `org:acme`. */
  name: string;
}

interface StreamDeclaration {
  /** As progress, the ledger (`stream`), requests by stream and the incomplete list name it. */
  name: string;
  /** What it sends: its GraphQL documents, or its REST routes (`GET /incidents`). */
  requests: readonly string[];
  /** The lake streams it lands, in the order a reader of the lake meets them. */
  // biome-ignore lint/suspicious/noExplicitAny: a stream lands lake streams of several record types.
  lands: readonly LakeStream<any>[];
  /** What its cursors follow (absent: it keeps none, e.g. a listing read whole every run). */
  cursor?: StreamCursor;
  /** How it partitions, in words for a reader: `search scope`, `repository`, `50 repositories a request`. */
  partitionedBy: string;
}

/**
 * A stream whose partitions the runner reads one by one, each with its progress, each failing alone: a
 * request that fails for good costs only its partition (the next run reads it again).
 */
export interface PartitionedStream<C, P extends Partition = Partition> extends StreamDeclaration {
  /** Its partitions, in order; progress shows how many are done of these. */
  partitions(ctx: C): readonly P[];
  /** A partition that costs nothing this run (nothing can have changed since its cursor). */
  skip?(ctx: C, partition: P): boolean;
  /** Reads one partition: lands its records, then moves its cursor. */
  readPartition(ctx: C, partition: P): Promise<void>;
}

/**
 * A stream that reads itself whole (a listing, or partitions batched into shared requests), marking what
 * may fail alone with `readPartition` (stream-context.ts).
 */
export interface WholeStream<C> extends StreamDeclaration {
  read(ctx: C): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: the partition type is each stream's own.
export type Stream<C> = PartitionedStream<C, any> | WholeStream<C>;

/** Declares a stream the runner reads partition by partition. */
export function definePartitionedStream<C, P extends Partition>(
  stream: PartitionedStream<C, P>,
): PartitionedStream<C, P> {
  return stream;
}

/** Declares a stream that reads itself whole. */
export function defineStream<C>(stream: WholeStream<C>): WholeStream<C> {
  return stream;
}

/** What a source's client is handed by the runner, whatever the API family. */
export interface ClientHooks {
  logger: Logger;
  /** Every request's record, once it ended: the run's request ledger and the progress display. */
  onRequest: (record: RequestRecord) => void;
}

/** What a run asks of every source, from metrics.yaml `definitions:`. */
export interface ReadOptions {
  /** Labels that make an issue an incident (`definitions.incident_labels`). */
  incidentLabels?: readonly string[];
}

export interface Source<C extends StreamContext, Client, Tuning = never> {
  /** Its lake folder (`<lake>/raw/<name>/`) and the first segment of its cursor keys: `github`. */
  name: string;
  /** How messages call it: `GitHub`. */
  label: string;
  /** Whether yardstick.yaml asks for it: a source not configured costs nothing and changes nothing. */
  configured(config: Config): boolean;
  /**
   * The environment variable its token comes from, as the configuration names it (`github.tokenEnv`), and
   * the field that names it, for the message when it is not set. A run reads every configured source's
   * token before it writes anything (sources.ts `readSourceTokens`).
   */
  token(config: Config): { variable: string; field: string; what: string };
  /**
   * Its client, from the configuration and the environment (the token comes from the variable the
   * configuration names; a missing one is an InputError naming it). `tuning` is for tests and the demo.
   */
  createClient(config: Config, env: NodeJS.ProcessEnv, hooks: ClientHooks, tuning?: Tuning): Promise<Client>;
  /** Its context for one run: the shared part and its own (client, state its streams hand on). */
  open(base: StreamContext, client: Client, options: ReadOptions): C;
  /** Its streams, in the order they run. */
  streams: readonly Stream<C>[];
  /** Every lake stream it writes (its streams' `lands`, each once, in order). */
  // biome-ignore lint/suspicious/noExplicitAny: lake streams of every record type.
  lakeStreams: readonly LakeStream<any>[];
  /** The repositories a run read, for its summary (sources that read none leave it out). */
  repositories?(ctx: C): string[];
}

/** Every lake stream the streams land, each once, in the order of the streams. */
// biome-ignore lint/suspicious/noExplicitAny: lake streams of every record type.
export function lakeStreamsOf<C>(streams: readonly Stream<C>[]): LakeStream<any>[] {
  // biome-ignore lint/suspicious/noExplicitAny: lake streams of every record type.
  const out: LakeStream<any>[] = [];
  for (const stream of streams)
    for (const lake of stream.lands) if (!out.some((s) => s.name === lake.name)) out.push(lake);
  return out;
}

/** A source's token from `env`; a variable that is not set is bad input naming it and its field. */
export function requireToken(
  config: Config,
  env: NodeJS.ProcessEnv,
  { variable, field, what }: { variable: string; field: string; what: string },
): string {
  const value = env[variable];
  if (!value)
    throw new InputError(
      `environment variable ${variable} is not set: it must hold ${what} (${field} in ${config.file})`,
    );
  return value;
}
