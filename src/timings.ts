// OFFGATE_TIMINGS=1: where a run spends its time, phase by phase, printed on standard
// error when the process exits (one line a phase, milliseconds and what the phase is).
// A phase is the time since the previous mark; the first, since the process started
// (node's own start-up and loading the bundle: bin/offgate.js marks the bundle's start).
// Off, a mark is one comparison: marks stay in the code.
const enabled = Boolean(process.env.OFFGATE_TIMINGS);
const phases: [name: string, ms: number][] = [];
let last = 0;

/** Ends the phase `name` now (the first mark, `start`, ends start-up). */
export function mark(name: string): void {
  if (!enabled) return;
  const now = performance.now();
  if (phases.length === 0) {
    // bin/offgate.js notes when it started reading the bundle (ms since the process started).
    const binStart = (globalThis as { __offgateBinStart?: number }).__offgateBinStart;
    if (binStart !== undefined) {
      phases.push(['node start-up', binStart], ['bundle load (read, code cache, run)', now - binStart]);
      last = now;
      return;
    }
    name = 'node start-up and loading the code';
  }
  phases.push([name, now - last]);
  last = now;
}

if (enabled) {
  process.on('exit', () => {
    mark('exit');
    const total = phases.reduce((n, [, ms]) => n + ms, 0);
    const lines = phases.map(([name, ms]) => `${ms.toFixed(1).padStart(8)} ms  ${name}`);
    process.stderr.write(`offgate timings:\n${lines.join('\n')}\n${total.toFixed(1).padStart(8)} ms  total (wall, since the process started)\n`);
  });
}
