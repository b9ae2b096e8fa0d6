import type { RunProgress } from '../core/loop/runOptions';
import type { CliIO } from './io';
import { terminalLine } from './terminalText';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A one-line spinner on stderr while a run works, only when stderr is a terminal: piped output
 * and CI logs get no control characters.
 */
export class ProgressLine {
  private frame = 0;
  private message = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly io: CliIO) {}

  update(p: RunProgress): void {
    if (!this.io.errIsTty) return;
    this.message = p.message;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
    this.draw();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.io.errIsTty) process.stderr.write('\r\x1b[2K');
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    const width = (process.stderr.columns || 80) - 4;
    // The message can name workspace files; only the spinner's own control bytes reach the terminal.
    process.stderr.write(`\r\x1b[2K${FRAMES[this.frame]} ${terminalLine(this.message).slice(0, width)}`);
  }
}
