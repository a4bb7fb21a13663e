// The progress line of a long lint: on standard error, only where a person watches (a
// terminal, not CI), and only once the run has taken PROGRESS_DELAY_MS, so that the
// usual sub-second run never flickers. It is one line, redrawn in place and erased at
// the end, so that nothing of it stays above the report.

/** A run shorter than this shows no progress. */
export const PROGRESS_DELAY_MS = 2000;
/** How often the line is redrawn while the run waits (reading files, a renderer). */
const TICK_MS = 250;

export interface ProgressLine {
  /** What the run is doing now (`read 120 files, checking 340 objects`); shown when the delay has passed. */
  update(stage: string): void;
  /** Erases the line (if it was shown) and stops the timer. */
  done(): void;
}

export interface ProgressContext {
  write: (text: string) => void;
  /** Standard error is a terminal. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  delayMs?: number;
  now?: () => number;
}

/** Whether a run shows progress: standard error is a terminal and this is not CI (`CI` set, as every CI service sets it). */
export function showsProgress(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  return isTTY && !env.CI;
}

export function startProgress(ctx: ProgressContext): ProgressLine {
  if (!showsProgress(ctx.isTTY, ctx.env)) return { update: () => undefined, done: () => undefined };
  const now = ctx.now ?? Date.now;
  const delay = ctx.delayMs ?? PROGRESS_DELAY_MS;
  const start = now();
  let stage = 'reading the inputs';
  let shown = false;
  const draw = () => {
    if (now() - start < delay) return;
    const seconds = Math.floor((now() - start) / 1000);
    // \r and erase-to-end: the line is redrawn in place, a shorter text leaves no tail.
    ctx.write(`\r\x1b[Koffgate: ${stage}… ${seconds}s`);
    shown = true;
  };
  const timer = setInterval(draw, TICK_MS);
  timer.unref(); // the line never keeps a finished run alive
  return {
    update(next) {
      stage = next;
      draw();
    },
    done() {
      clearInterval(timer);
      if (shown) ctx.write('\r\x1b[K');
    },
  };
}
