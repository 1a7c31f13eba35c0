/**
 * The run's concurrency slots: at most `size` units in flight. Child steps that wait for a slot
 * (an orchestrator's workers) get a freed one before the scheduler starts new steps, since their
 * parent already holds work in progress. `onFree` runs after every release, so the scheduler can
 * start what is ready. Once the run stops, `open()` lets every waiter through, to see the stop.
 */
export class SlotPool {
  private used = 0;
  private isOpen = false;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly size: number,
    private readonly onFree: () => void,
  ) {}

  /** Whether `take()` may be called now: a slot is free and no child step is waiting for one. */
  get hasFree(): boolean {
    return this.used < this.size && this.waiters.length === 0;
  }

  get hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** Takes a slot the caller checked with `hasFree`. */
  take(): void {
    this.used++;
  }

  /** Resolves once the caller holds a slot. */
  wait(): Promise<void> {
    if (this.isOpen || this.hasFree) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.used--;
    this.grant();
    this.onFree();
  }

  /** The run stopped: every waiter gets through now, whatever the limit. */
  open(): void {
    this.isOpen = true;
    this.grant();
  }

  private grant(): void {
    while (this.waiters.length > 0 && (this.isOpen || this.used < this.size)) {
      this.used++;
      (this.waiters.shift() as () => void)();
    }
  }
}
