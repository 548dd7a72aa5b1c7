import cliProgress from 'cli-progress';

/**
 * The CLI's one progress facility: a bar on stderr drawn by cli-progress on a TTY, and plain
 * lines (one every 10%, so logs stay readable) when stderr is a file or a pipe.
 */
export class ProgressBar {
  private lastDecile = -1;
  private readonly started = performance.now();
  private readonly bar: cliProgress.SingleBar | null;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.bar = stream.isTTY
      ? new cliProgress.SingleBar(
          { stream, format: `${label} {bar} {value}/{total} {detail} ETA {eta_formatted}`, hideCursor: true, clearOnComplete: false, etaBuffer: 20 },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar?.start(total, 0, { detail: '' });
  }

  update(done: number, detail = ''): void {
    if (this.bar !== null) {
      this.bar.update(done, { detail });
      return;
    }
    const fraction = this.total > 0 ? Math.min(1, done / this.total) : 1;
    if (Math.floor(fraction * 10) <= this.lastDecile) return;
    this.lastDecile = Math.floor(fraction * 10);
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : 0;
    this.stream.write(`${this.label} ${done}/${this.total} ${detail} ETA ${eta.toFixed(0)}s\n`);
  }

  done(): void {
    this.bar?.stop();
  }
}
