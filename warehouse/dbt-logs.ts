/**
 * dbt's own log files under `<data>/build/logs`, capped: dbt rotates `dbt.log` at DBT_LOG_FILE_BYTES and keeps
 * five older files, so at most six files of that size exist once every file is within it. Files from before
 * the cap (or from a night that filled the disk) are cut to their newest part before each dbt run, so the
 * logs never hold more than DBT_LOGS_MAX_BYTES and cannot keep a full disk full.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { tempSibling } from "../core/atomic-fs.ts";

/** One dbt.log file at most (passed to dbt as --log-file-max-bytes): a whole build's debug log fits. */
export const DBT_LOG_FILE_BYTES = 4 * 1024 * 1024;
/** dbt's RotatingFileHandler keeps this many older files (dbt.log.1 … dbt.log.5). */
const DBT_LOG_BACKUPS = 5;
/** What dbt's logs may take in all. */
export const DBT_LOGS_MAX_BYTES = (DBT_LOG_BACKUPS + 1) * DBT_LOG_FILE_BYTES;

/** Cuts every dbt log file in `logDir` to its newest DBT_LOG_FILE_BYTES and drops files dbt would not keep. */
export function capDbtLogs(logDir: string): void {
  if (!existsSync(logDir)) return;
  for (const name of readdirSync(logDir)) {
    const match = /^dbt\.log(?:\.(\d+))?$/.exec(name);
    if (!match) continue;
    const file = join(logDir, name);
    if (match[1] !== undefined && Number(match[1]) > DBT_LOG_BACKUPS) {
      rmSync(file, { force: true });
      continue;
    }
    const size = statSync(file).size;
    if (size > DBT_LOG_FILE_BYTES) keepTail(file, size, DBT_LOG_FILE_BYTES);
  }
}

/** Keeps the last `bytes` of `file`, starting at a whole line. */
function keepTail(file: string, size: number, bytes: number): void {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(file, "r");
  let read = 0;
  try {
    while (read < bytes) {
      const n = readSync(fd, buffer, read, bytes - read, size - bytes + read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  const newline = buffer.indexOf(10);
  const tail = buffer.subarray(newline >= 0 && newline < read - 1 ? newline + 1 : 0, read);
  const tmp = tempSibling(file);
  writeFileSync(tmp, tail);
  renameSync(tmp, file);
}
