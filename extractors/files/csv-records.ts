/**
 * A CSV reader after RFC 4180, for files people export from deploy tools and spreadsheets: fields separated by
 * commas, records by CRLF or LF (or a lone CR, as old spreadsheets write it); a field in double quotes may hold
 * commas, line breaks and quotes written twice (`""`); a leading byte order mark is skipped; empty lines are
 * skipped. Every field keeps the line and column where it starts, so a problem can be shown where it is.
 *
 * Nothing is interpreted: a field is text, whatever it starts with (`=SUM(A1)` is the seven characters).
 * A syntax error stops the reading (what follows it cannot be trusted) and is returned with its place.
 */

export interface CsvField {
  value: string;
  /** 1-based line and column where the field starts (its opening quote, if quoted). */
  line: number;
  column: number;
}

export interface CsvRecord {
  line: number;
  fields: CsvField[];
}

export interface CsvProblem {
  line: number;
  column: number;
  message: string;
  /** Which field of its record (0-based) the problem is in, when it is in one. */
  field?: number;
}

export interface CsvResult {
  records: CsvRecord[];
  /** The first syntax error, if any: records before it are in `records`. */
  problem: CsvProblem | null;
}

/**
 * Parses CSV text; `maxRecordChars` bounds one record (a huge line is refused, not read into memory twice).
 * With `onRecord`, each record is handed over as it is read and `records` stays empty (a big file's fields
 * are not all kept at once).
 */
export function parseCsv(
  text: string,
  options: { maxRecordChars: number; onRecord?: (record: CsvRecord) => void },
): CsvResult {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let column = 1;
  let fieldIndex = 0;
  const fail = (l: number, c: number, message: string): CsvResult => ({
    records,
    problem: { line: l, column: c, message, field: fieldIndex },
  });
  /** Steps over a line break at i (CRLF, LF or CR); false if there is none. */
  const lineBreak = (): boolean => {
    const c = text[i];
    if (c === "\r") {
      i += text[i + 1] === "\n" ? 2 : 1;
    } else if (c === "\n") {
      i += 1;
    } else {
      return false;
    }
    line += 1;
    column = 1;
    return true;
  };

  while (i < n) {
    if (lineBreak()) continue; // an empty line
    const recordLine = line;
    const recordStart = i;
    const tooLong = () =>
      fail(
        recordLine,
        1,
        `the record starting on this line is longer than ${options.maxRecordChars} characters: is a closing quote missing, or is this not a CSV file?`,
      );
    const fields: CsvField[] = [];
    for (;;) {
      fieldIndex = fields.length;
      const fieldLine = line;
      const fieldColumn = column;
      let value: string;
      if (text[i] === '"') {
        i += 1;
        column += 1;
        let parts = "";
        let from = i;
        for (;;) {
          if (i - recordStart > options.maxRecordChars) return tooLong();
          if (i >= n)
            return fail(
              fieldLine,
              fieldColumn,
              "this quoted field is never closed: its closing double quote is missing",
            );
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              parts += text.slice(from, i + 1);
              i += 2;
              column += 2;
              from = i;
              continue;
            }
            parts += text.slice(from, i);
            i += 1;
            column += 1;
            break;
          }
          if (c === "\r" || c === "\n") {
            // A line break inside quotes is part of the value, kept as one "\n" whatever the file used.
            parts += `${text.slice(from, i)}\n`;
            lineBreak();
            from = i;
            continue;
          }
          i += 1;
          column += 1;
        }
        value = parts;
        const next = text[i];
        if (i < n && next !== "," && next !== "\r" && next !== "\n")
          return fail(
            line,
            column,
            'text after the closing double quote of a quoted field (a " inside a quoted field is written "")',
          );
      } else {
        const start = i;
        while (i < n) {
          const c = text[i];
          if (c === "," || c === "\r" || c === "\n") break;
          if (c === '"')
            return fail(
              line,
              column,
              'a double quote inside a field that does not start with one: quote the whole field and write the " as ""',
            );
          i += 1;
          column += 1;
          if (i - recordStart > options.maxRecordChars) return tooLong();
        }
        value = text.slice(start, i);
      }
      fields.push({ value, line: fieldLine, column: fieldColumn });
      if (text[i] === ",") {
        i += 1;
        column += 1;
        continue;
      }
      lineBreak();
      break;
    }
    if (options.onRecord) options.onRecord({ line: recordLine, fields });
    else records.push({ line: recordLine, fields });
  }
  return { records, problem: null };
}
