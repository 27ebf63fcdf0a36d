/**
 * Every source Yardstick reads, in the order a run reads them, and every lake stream they write. A new
 * source is a folder beside github/ exporting its `Source` (source.ts), listed here and opened with its
 * client in extract.ts. See docs/extractors.md.
 */
import { githubSource } from "./github/source.ts";
import type { LakeStream } from "./lake-stream.ts";

export const SOURCES = [githubSource] as const;

/** Every lake stream of every source (the build's fingerprint keys them, the runner sweeps them). */
// biome-ignore lint/suspicious/noExplicitAny: lake streams of every record type.
export const LAKE_STREAMS: readonly LakeStream<any>[] = SOURCES.flatMap((source) => source.lakeStreams);
