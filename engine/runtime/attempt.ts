import type { RetryPolicy } from "../schema/plan";
import type { Clock } from "./ports";
import { StepError } from "./step-error";

const SETTLED = new StepError("SETTLED", "The attempt settled", false);

/**
 * One try at one unit. Its AbortSignal is made only when a port asks for it (most pure work never
 * does), and aborting rejects the attempt directly, so a port that ignores its signal cannot hang
 * the run and no listener is needed per attempt.
 */
export class Attempt {
  deadline = Number.POSITIVE_INFINITY;
  isSettled = false;
  private controller: AbortController | undefined;
  private reason: unknown;
  private isAborted = false;
  private rejectRun: ((reason: unknown) => void) | undefined;
  private children: Set<Attempt> | undefined;

  private readonly slot: number;

  constructor(
    private readonly parent: Attempt | undefined,
    /** The run's live attempts; an attempt leaves when it settles. */
    private readonly live: LiveAttempts,
    readonly timeoutMs: number | null,
  ) {
    this.slot = live.add(this);
    if (parent) {
      if (parent.isAborted) this.abort(parent.reason);
      else (parent.children ??= new Set()).add(this);
    }
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.isAborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.isAborted;
  }

  get abortReason(): unknown {
    return this.reason;
  }

  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.isSettled = true;
    this.live.remove(this.slot);
    this.reason = reason;
    this.controller?.abort(reason);
    this.rejectRun?.(reason);
    if (this.children) for (const child of this.children) child.abort(reason);
  }

  /** Settles with `work`, or rejects with the abort reason if the attempt is aborted first. */
  run<T>(work: Promise<T>): Promise<T> {
    if (this.isAborted) {
      work.catch(() => undefined); // its outcome no longer matters, and must not surface as unhandled
      return Promise.reject(this.reason);
    }
    return new Promise<T>((resolve, reject) => {
      this.rejectRun = reject;
      work.then(
        (value) => {
          this.settle();
          resolve(value);
        },
        (error: unknown) => {
          this.settle();
          reject(error);
        },
      );
    });
  }

  private settle(): void {
    this.isSettled = true;
    this.rejectRun = undefined;
    this.live.remove(this.slot);
    this.parent?.children?.delete(this);
  }
}

/**
 * The attempts in flight, so stopping a run can abort them all. Slots are reused through a free
 * list: a Set churned by one add and one delete per step allocated more than the steps themselves.
 */
export class LiveAttempts {
  private readonly slots: Array<Attempt | undefined> = [];
  private readonly free: number[] = [];

  add(attempt: Attempt): number {
    const slot = this.free.pop() ?? this.slots.length;
    this.slots[slot] = attempt;
    return slot;
  }

  remove(slot: number): void {
    if (this.slots[slot] === undefined) return;
    this.slots[slot] = undefined;
    this.free.push(slot);
  }

  abortAll(reason: unknown): void {
    for (const attempt of [...this.slots]) attempt?.abort(reason);
  }
}

/**
 * Step timeouts through one Clock sleep per run instead of one timer per step: attempts wait in a
 * min-heap by deadline, and a single sleep targets the earliest. Settled attempts are dropped lazily.
 */
export class DeadlineWatcher {
  private heap: Attempt[] = [];
  private sleep: { at: number; controller: AbortController } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly onExpired: (attempt: Attempt) => void,
  ) {}

  watch(attempt: Attempt, timeoutMs: number): void {
    // Attempts mostly settle in the order they started, so this keeps the heap near its live size.
    while (this.heap.length > 0 && (this.heap[0] as Attempt).isSettled) this.pop();
    attempt.deadline = this.clock.now() + timeoutMs;
    this.push(attempt);
    if (!this.sleep || attempt.deadline < this.sleep.at) this.arm();
  }

  close(): void {
    this.heap = [];
    this.disarm();
  }

  private disarm(): void {
    this.sleep?.controller.abort(SETTLED);
    this.sleep = undefined;
  }

  private arm(): void {
    this.disarm();
    while (this.heap.length > 0 && (this.heap[0] as Attempt).isSettled) this.pop();
    const next = this.heap[0];
    if (!next) return;
    const sleep = { at: next.deadline, controller: new AbortController() };
    this.sleep = sleep;
    this.clock.sleep(Math.max(0, next.deadline - this.clock.now()), sleep.controller.signal).then(
      () => {
        if (this.sleep !== sleep) return;
        this.sleep = undefined;
        const now = this.clock.now();
        while (this.heap.length > 0 && (this.heap[0] as Attempt).deadline <= now) {
          const due = this.pop();
          if (!due.isSettled) this.onExpired(due);
        }
        this.arm();
      },
      () => undefined,
    );
  }

  private push(attempt: Attempt): void {
    const heap = this.heap;
    let i = heap.push(attempt) - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if ((heap[up] as Attempt).deadline <= attempt.deadline) break;
      heap[i] = heap[up] as Attempt;
      i = up;
    }
    heap[i] = attempt;
  }

  private pop(): Attempt {
    const heap = this.heap;
    const top = heap[0] as Attempt;
    const last = heap.pop() as Attempt;
    if (heap.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child =
          right < heap.length &&
          (heap[right] as Attempt).deadline < (heap[left] as Attempt).deadline
            ? right
            : left;
        if ((heap[child] as Attempt).deadline >= last.deadline) break;
        heap[i] = heap[child] as Attempt;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

/**
 * Exponential backoff: the wait before attempt `failedAttempt + 1`.
 * @example backoffDelay({ initialDelayMs: 1000, factor: 2, maxDelayMs: 30000, maxAttempts: 5 }, 3) // → 4000
 */
export function backoffDelay(retry: RetryPolicy, failedAttempt: number): number {
  return Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** (failedAttempt - 1));
}
