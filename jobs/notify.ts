/**
 * Notifications (`notify:` in yardstick.yaml): at the end of a run or a scheduled tick, and from
 * `yardstick status --notify`, one message when something needs an operator — a failed stage, a partial
 * run (stopped early), or stale data. It goes to a webhook (Slack-compatible JSON) and/or a command (run
 * without a shell, the event as JSON on stdin and in environment variables).
 *
 * Never a secret: the message carries no token and no URL userinfo, the webhook URL (which may embed a
 * secret, as Slack's do) is never logged — only its host — and the command does not inherit the token's
 * or the webhook's variable. A notification that fails is logged and changes no exit code.
 */
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { type Config, dataPaths, type NotifyConfig, type NotifyEvent } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import { terminalText } from "../core/terminal-text.ts";
import { readLedgerHistory } from "./ledger-history.ts";
import type { PipelineResult } from "./pipeline.ts";
import { runStatus, type StatusReport } from "./run-status.ts";

/** The event, as the webhook's `yardstick` field, the command's stdin, and (flattened) its environment. */
export interface NotificationEvent {
  /** The most serious kind: failure, then partial, then stale. */
  event: NotifyEvent;
  kinds: NotifyEvent[];
  /** What sent it: a `yardstick run`, a scheduled tick, or `yardstick status --notify`. */
  origin: "run" | "schedule" | "status";
  runId: string | null;
  at: string;
  host: string;
  dataDir: string;
  summary: string;
  failures: { stage: string; error: string }[];
  partial: { stage: string; status: string; reason: string | null }[];
  stale: { source: string; confirmedAt: string | null; ageHours: number | null }[];
}

export interface NotifyContext {
  config: Config;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** Time a receiver gets before the notification counts as failed; a hung hook must not hold a run. */
const WEBHOOK_TIMEOUT_MS = 15_000;
const COMMAND_TIMEOUT_MS = 60_000;

/**
 * Runs `work` (a pipeline run) and notifies on its outcome: a thrown error or a failed stage is a failure,
 * an extraction stopped early a partial run, and a source older than `status.staleAfterHours` afterwards
 * stale data. The run's own result or error comes back unchanged.
 */
export async function withRunNotifications(
  context: NotifyContext & { origin: "run" | "schedule" },
  work: () => Promise<PipelineResult>,
): Promise<PipelineResult> {
  if (!context.config.notify) return work();
  const ledger = dataPaths(context.config.dataDir).ledger;
  const before = new Set(readLedgerHistory(ledger).records.map((r) => r.runId));
  let result: PipelineResult | undefined;
  let failure: unknown;
  try {
    result = await work();
  } catch (error) {
    failure = error;
  }
  try {
    const entries = readLedgerHistory(ledger).records.filter((r) => !before.has(r.runId));
    const failures = entries
      .filter((r) => r.status === "failed")
      .map((r) => ({ stage: r.stage, error: r.error ?? "failed" }));
    if (failure !== undefined && failures.length === 0)
      failures.push({ stage: "run", error: failure instanceof Error ? failure.message : String(failure) });
    const partial = entries
      .filter((r) => r.status === "partial")
      .map((r) => ({ stage: r.stage, status: r.status, reason: stoppedReason(r.details) }));
    if (result?.extract.stopped && !partial.some((p) => p.stage === "extract"))
      partial.push({ stage: "extract", status: "partial", reason: result.extract.stopped.reason });
    const report = await runStatus({ config: context.config, now: context.now?.(), readWarehouse: false });
    await notify(context, {
      origin: context.origin,
      runId: result?.runId ?? entries.find((r) => r.runId)?.runId ?? null,
      failures,
      partial,
      stale: staleOf(report),
    });
  } catch (error) {
    context.logger.error(
      `notify: could not prepare the notification: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (failure !== undefined) throw failure;
  return result!;
}

/** `yardstick status --notify`: notifies when the report shows a failed or partial stage or stale data. */
export async function notifyStatus(context: NotifyContext & { report: StatusReport }): Promise<void> {
  if (!context.config.notify) {
    context.logger.warn("notify: --notify given but yardstick.yaml has no notify: section; nothing sent");
    return;
  }
  const { report } = context;
  await notify(context, {
    origin: "status",
    runId: report.lastRun?.runId ?? null,
    failures: report.stages
      .filter((s) => s.status === "failed")
      .map((s) => ({ stage: s.stage, error: s.error ?? "failed" })),
    partial: report.stages
      .filter((s) => s.status === "partial")
      .map((s) => ({ stage: s.stage, status: s.status, reason: s.stopped?.reason ?? null })),
    stale: staleOf(report),
  });
}

function staleOf(report: StatusReport): NotificationEvent["stale"] {
  return report.sources
    .filter((s) => s.stale)
    .map((s) => ({ source: `${s.kind} ${s.name}`, confirmedAt: s.confirmedAt, ageHours: s.ageHours }));
}

function stoppedReason(details: Record<string, unknown>): string | null {
  const stopped = details.stopped as { reason?: unknown } | undefined;
  return typeof stopped?.reason === "string" ? stopped.reason : null;
}

async function notify(
  context: NotifyContext,
  facts: Pick<NotificationEvent, "origin" | "runId" | "failures" | "partial" | "stale">,
): Promise<void> {
  const settings = context.config.notify;
  if (!settings) return;
  const env = context.env ?? process.env;
  const kinds = (
    [
      ["failure", facts.failures.length > 0],
      ["partial", facts.partial.length > 0],
      ["stale", facts.stale.length > 0],
    ] as const
  )
    .filter(([kind, happened]) => happened && settings.on.includes(kind))
    .map(([kind]) => kind);
  if (kinds.length === 0) return;
  const webhook = webhookUrl(settings, env, context.logger);
  const secrets = [
    env[context.config.github.tokenEnv],
    settings.webhookEnv ? env[settings.webhookEnv] : undefined,
    webhook?.href,
    settings.webhook,
  ].filter((s): s is string => typeof s === "string" && s.length >= 4);
  const event = scrub(
    {
      event: kinds[0]!,
      kinds,
      ...facts,
      at: (context.now?.() ?? new Date()).toISOString(),
      host: hostname(),
      dataDir: context.config.dataDir,
      summary: "",
    } satisfies NotificationEvent,
    secrets,
  );
  event.summary = summaryOf(event);

  const sends: Promise<void>[] = [];
  if (webhook) sends.push(sendWebhook(webhook, event, context.logger));
  if (settings.command) sends.push(runCommand(settings, context.config, event, env, context.logger));
  await Promise.all(sends);
}

/** One line per fact, for people: the webhook's `text` and the command's YARDSTICK_SUMMARY. */
function summaryOf(event: NotificationEvent): string {
  const run = event.runId ? ` run ${event.runId}` : "";
  const lines = [`Yardstick${run} on ${event.host}: ${event.kinds.join(", ")} (${event.dataDir})`];
  for (const f of event.failures) lines.push(`failed: ${f.stage}: ${clip(f.error)}`);
  for (const p of event.partial) lines.push(`partial: ${p.stage}${p.reason ? `: ${clip(p.reason)}` : ""}`);
  for (const s of event.stale)
    lines.push(
      s.confirmedAt === null
        ? `stale: ${s.source}: no complete extraction yet`
        : `stale: ${s.source}: last complete extraction ${s.confirmedAt} (${(s.ageHours ?? 0).toFixed(1)} h ago)`,
    );
  return lines.join("\n");
}

function clip(text: string): string {
  const first = text.split("\n")[0] ?? "";
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/** Every string in `value` with the secrets and any URL userinfo removed. */
function scrub<T>(value: T, secrets: readonly string[]): T {
  const clean = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join("[redacted]");
    return out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*@/gi, "$1");
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return clean(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === "object" && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

function webhookUrl(settings: NotifyConfig, env: NodeJS.ProcessEnv, logger: Logger): URL | null {
  if (settings.webhook) return new URL(settings.webhook);
  if (!settings.webhookEnv) return null;
  const value = env[settings.webhookEnv];
  if (!value) {
    logger.error(
      `notify: environment variable ${settings.webhookEnv} (notify.webhookEnv) is not set; no webhook sent`,
    );
    return null;
  }
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // reported below, without the value
  }
  logger.error(
    `notify: ${settings.webhookEnv} (notify.webhookEnv) does not hold an http(s) URL; no webhook sent`,
  );
  return null;
}

/** Slack's text escapes: &, < and > are its markup. */
function slackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

async function sendWebhook(url: URL, event: NotificationEvent, logger: Logger): Promise<void> {
  const host = url.host;
  // fetch refuses a URL with userinfo: send it as basic authentication instead.
  const headers: Record<string, string> = { "content-type": "application/json" };
  const target = new URL(url.href);
  if (target.username || target.password) {
    const user = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString("base64")}`;
    target.username = "";
    target.password = "";
  }
  try {
    const response = await fetch(target, {
      method: "POST",
      headers,
      body: JSON.stringify({ text: slackText(event.summary), yardstick: event }),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.body?.cancel();
    if (!response.ok) {
      logger.error(
        `notify: webhook at ${host} answered HTTP ${response.status}; the run's outcome is unchanged`,
      );
      return;
    }
    logger.info(`notify: sent ${event.kinds.join(", ")} to the webhook at ${host}`);
  } catch (error) {
    // Node's fetch errors name the cause (ECONNREFUSED, a timeout), never the URL's path or userinfo.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    logger.error(`notify: webhook at ${host} failed (${cause}); the run's outcome is unchanged`);
  }
}

async function runCommand(
  settings: NotifyConfig,
  config: Config,
  event: NotificationEvent,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<void> {
  const [program, ...args] = settings.command!;
  const childEnv: NodeJS.ProcessEnv = { ...env };
  delete childEnv[config.github.tokenEnv];
  if (settings.webhookEnv) delete childEnv[settings.webhookEnv];
  Object.assign(childEnv, {
    YARDSTICK_EVENT: event.event,
    YARDSTICK_KINDS: event.kinds.join(","),
    YARDSTICK_ORIGIN: event.origin,
    YARDSTICK_RUN_ID: event.runId ?? "",
    YARDSTICK_DATA_DIR: event.dataDir,
    YARDSTICK_SUMMARY: event.summary,
  });
  const outcome = await new Promise<string | null>((done) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(program!, args, { env: childEnv, stdio: ["pipe", "ignore", "pipe"], shell: false });
    } catch (error) {
      done((error as Error).message);
      return;
    }
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), COMMAND_TIMEOUT_MS);
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString("utf8");
    });
    child.stdin?.on("error", () => {}); // a command that does not read stdin closes it early
    child.stdin?.end(JSON.stringify(event) + "\n");
    child.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      done(error.code ?? error.message);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done(null);
      else
        done(
          `${signal ? `killed by ${signal}` : `exit ${code}`}${stderr.trim() ? `: ${terminalText(stderr.trim().split("\n")[0] ?? "")}` : ""}`,
        );
    });
  });
  if (outcome === null) logger.info(`notify: sent ${event.kinds.join(", ")} to the command ${program}`);
  else logger.error(`notify: the command ${program} failed (${outcome}); the run's outcome is unchanged`);
}
