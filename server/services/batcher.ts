/**
 * Collects items and writes them in batches: when `maxItems` wait, every `intervalMs` once
 * started (`start(intervalMs)`), on `flush()` and on `close()`. Writes go one at a time, in order. A failed write is
 * reported to `onError` with the batch it lost (a batch is not retried), never thrown at whoever
 * added an item, so a recorder off the run's path cannot fail a run.
 *
 * @example
 * const batcher = new Batcher({ write: (rows) => store(rows), onError: report });
 * batcher.start(1_000); batcher.add(row); await batcher.close(); // the last rows are written
 */
export class Batcher<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      write: (batch: T[]) => Promise<void>;
      onError: (error: unknown, batch: T[]) => void;
      maxItems?: number;
    },
  ) {}

  add(item: T): void {
    this.pending.push(item);
    if (this.options.maxItems !== undefined && this.pending.length >= this.options.maxItems)
      void this.flush();
  }

  /** Writes what waits; resolves when it (and every write before it) is done. */
  flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.pending.length === 0) return;
      const batch = this.pending;
      this.pending = [];
      try {
        await this.options.write(batch);
      } catch (error) {
        this.options.onError(error, batch);
      }
    });
    return this.writing;
  }

  /** Writes every `intervalMs` from now on (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what waits. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
