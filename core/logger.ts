/**
 * The one logger every stage receives (effects are injected, never imported globally). Human lines go to
 * stderr so that data on stdout (`--format json`) stays clean; `json` mode prints one object per line.
 */
import { terminalLines, terminalText } from "./terminal-text.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFormat = "text" | "json";

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface LoggerOptions {
  format?: LogFormat;
  level?: LogLevel;
  write?: (line: string) => void;
  now?: () => Date;
  /** Text lines start with the time (`2026-12-01T02:00:03Z`), as a scheduler's log needs. */
  timestamps?: boolean;
}

/** `2026-12-01T02:00:03Z`: the time at the start of a text log line. */
export function logTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? "text";
  const min = ORDER[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[level] < min) return;
    if (format === "json") {
      write(JSON.stringify({ ts: now().toISOString(), level, msg: message, ...fields }));
      return;
    }
    // Messages and fields carry names from GitHub and the configuration: a terminal shows their control
    // characters as escapes rather than acting on them. A message may span lines; a field value may not.
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${terminalText(typeof v === "string" ? v : String(JSON.stringify(v)))}`)
      .join(" ");
    const prefix = level === "info" ? "" : `${level}: `;
    const stamp = options.timestamps ? `${logTimestamp(now())} ` : "";
    write(`${stamp}${prefix}${terminalLines(message)}${extra ? `  ${extra}` : ""}`);
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
  };
}

/** A logger that keeps its lines, for tests and for callers that show them later. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ write: (l) => lines.push(l), level: "debug" }), { lines });
}
