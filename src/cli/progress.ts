/** A one-line progress bar on stderr (redrawn in place on a terminal, printed sparsely otherwise). */
export class ProgressBar {
  private readonly started = performance.now();
  private lastPrinted = 0;

  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, detail = ''): void {
    const now = performance.now();
    const finished = done >= this.total;
    // Off a terminal (CI logs), print every 10 s rather than every step.
    if (!this.stream.isTTY && !finished && now - this.lastPrinted < 10_000) return;
    this.lastPrinted = now;
    const width = 28;
    const fraction = Math.min(1, done / this.total);
    const filled = Math.round(width * fraction);
    const elapsed = (now - this.started) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const line = `${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} ${rate.toFixed(1)}/s eta ${eta.toFixed(0)}s ${detail}`;
    if (this.stream.isTTY) this.stream.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
    else this.stream.write(`${line}\n`);
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.started) / 1000;
  }
}
