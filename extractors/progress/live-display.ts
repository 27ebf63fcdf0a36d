/**
 * A block of lines redrawn in place on a terminal with ANSI escapes: at most ~10 frames a second however
 * often the numbers change, log lines printed above it without tearing it, and nothing left behind when
 * it stops (the summary is printed in its place).
 */

/** Where the display writes: `process.stderr` on a terminal; a fake in tests. */
export interface ProgressOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width; lines are cut to it so none wraps (a wrapped line would break the redraw). */
  columns?: number;
}

const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const CLEAR_TO_END = "\x1b[J";
/** Moves the cursor to the start of the line `n` lines up. */
const up = (n: number) => (n > 0 ? `\x1b[${n}A\r` : "\r");

export interface LiveDisplayOptions {
  /** Shortest time between two frames (default 100 ms, i.e. 10 Hz). */
  refreshMs?: number;
  now?: () => number;
}

export class LiveDisplay {
  private drawn = 0;
  private lastDraw = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly output: ProgressOutput,
    private readonly render: (width: number) => string[],
    options: LiveDisplayOptions = {},
  ) {
    this.refreshMs = options.refreshMs ?? 100;
    this.now = options.now ?? Date.now;
  }

  /** Something changed: draw now if the last frame is old enough, else once the interval has passed. */
  invalidate(): void {
    if (this.stopped) return;
    const due = this.lastDraw + this.refreshMs - this.now();
    if (due <= 0) {
      this.draw();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.draw();
    }, due);
    this.timer.unref?.();
  }

  /** Writes a line (a log line, say) above the display, then redraws the display under it. */
  printAbove(line: string): void {
    if (this.stopped) {
      this.output.write(`${line}\n`);
      return;
    }
    this.output.write(`${this.clearSequence()}${line}\n`);
    this.drawn = 0;
    this.draw();
  }

  /** Removes the display (and stops redrawing); idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.output.write(`${this.clearSequence()}${SHOW_CURSOR}`);
    this.drawn = 0;
  }

  private clearSequence(): string {
    return this.drawn > 0 ? `${up(this.drawn)}${CLEAR_TO_END}` : "";
  }

  private draw(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const lines = this.render(this.output.columns ?? 120);
    this.output.write(`${HIDE_CURSOR}${this.clearSequence()}${lines.map((l) => `${l}\n`).join("")}`);
    this.drawn = lines.length;
    this.lastDraw = this.now();
  }
}
