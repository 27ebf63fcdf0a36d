/**
 * Errors that the CLI turns into an exit code. Every stage throws these (or lets unknown errors bubble up
 * as exit 1); `cli/main.ts` is the one place that prints them and picks the code.
 */

/** Exit codes shared by every command: 0 success, 1 the work failed, 2 bad input or configuration. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

/** Where in a source file a problem is. Line and column are 1-based, as editors show them. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

export function formatPosition(pos: SourcePosition | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.column}` : "";
}

/** One problem with the user's input: which field, where, and what is wrong with it. */
export interface InputProblem {
  /** Dotted path of the field, e.g. `github.url` or `metrics[1].agg`. Empty for the whole file. */
  field: string;
  message: string;
  position?: SourcePosition;
}

export function formatProblem(p: InputProblem): string {
  const where = p.position ? ` (${formatPosition(p.position)})` : "";
  return p.field
    ? `${p.field}${where}: ${p.message}`
    : `${p.position ? formatPosition(p.position) + ": " : ""}${p.message}`;
}

export class YardstickError extends Error {
  override name = "YardstickError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad input (a file, a flag, an environment variable): exit code 2, and nothing stored has been touched. */
export class InputError extends YardstickError {
  override name = "InputError";
  constructor(
    message: string,
    readonly problems: InputProblem[] = [],
  ) {
    super(message, EXIT.badInput);
  }

  /** The whole report: a headline, then one line per problem. */
  report(): string {
    if (this.problems.length === 0) return this.message;
    return [this.message, ...this.problems.map((p) => `  - ${formatProblem(p)}`)].join("\n");
  }
}
