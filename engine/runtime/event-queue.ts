import type { RunEvent } from "../schema/run-events";

/**
 * Buffers a run's events between the scheduler (which never waits for the reader) and the async
 * generator that yields them. One array, read by index and reused once drained.
 */
export class EventQueue {
  private events: RunEvent[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private isClosed = false;

  push(event: RunEvent): void {
    this.events.push(event);
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      wake();
    }
  }

  /** The next event, or undefined when none is buffered. */
  take(): RunEvent | undefined {
    if (this.head >= this.events.length) return undefined;
    const event = this.events[this.head++];
    if (this.head === this.events.length) {
      this.events.length = 0;
      this.head = 0;
    }
    return event;
  }

  /** Resolves when an event arrives or the queue closes. */
  wait(): Promise<void> {
    if (this.isClosed || this.head < this.events.length) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  close(): void {
    this.isClosed = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  get closed(): boolean {
    return this.isClosed;
  }
}
