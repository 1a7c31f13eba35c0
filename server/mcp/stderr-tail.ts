const STDERR_KEEP_CHARS = 8_000;

/** Keeps the tail of what a server writes to stderr: often the only explanation of a failed start. */
export class StderrTail {
  private text = "";
  append(chunk: string) {
    this.text = (this.text + chunk).slice(-STDERR_KEEP_CHARS);
  }
  get value(): string {
    return this.text;
  }
}
