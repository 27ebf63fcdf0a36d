/**
 * The request ledger (`<data>/ledger/requests.ndjson`): one JSON line per request of every source — its
 * operation, tags, attempts, retries, waits and budget, never a header or a variable — appended as each
 * request ends. Every source's client is handed the same writer.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { RequestRecord } from "./request-record.ts";

/** A writer of the ledger at `file` for one run: `{ runId, ...record }` per line. */
export function requestLedger(file: string, runId: string): (record: RequestRecord) => void {
  mkdirSync(dirname(file), { recursive: true });
  return (record) => appendFileSync(file, JSON.stringify({ runId, ...record }) + "\n");
}
