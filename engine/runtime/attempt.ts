import type { RetryPolicy } from "../schema/plan";
import type { Clock } from "./ports";
import { StepError } from "./step-error";

const SETTLED = new StepError("SETTLED", "The attempt settled", false);

/** Where an attempt is tracked while in flight: the run's live attempts and their deadlines. */
export type InFlight = { readonly attempts: Set<Attempt>; readonly deadlines: Deadlines };

/**
 * One try at one unit. Attempts hang under the run (its set of live attempts) and, for a child
 * step, under their parent attempt: aborting one (the run stopping, a timeout, a parent ending)
 * aborts its children and rejects `run` at once, so a port that ignores its signal cannot hang
 * the run. Its AbortSignal is made on first read (see ARCHITECTURE.md, "Runtime costs").
 */
export class Attempt {
  private controller: AbortController | undefined;
  private reason: unknown;
  private isAborted = false;
  private isSettled = false;
  private rejectRun: ((reason: unknown) => void) | undefined;
  private children: Set<Attempt> | undefined;

  constructor(
    private readonly parent: Attempt | undefined,
    private readonly inFlight: InFlight,
    timeoutMs: number | null,
  ) {
    inFlight.attempts.add(this);
    if (parent?.isAborted) this.abort(parent.reason);
    else if (parent) (parent.children ??= new Set()).add(this);
    if (timeoutMs !== null && !this.isAborted) inFlight.deadlines.watch(this, timeoutMs);
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

  /** Settled or aborted: nothing about it can change any more. */
  get isDone(): boolean {
    return this.isSettled;
  }

  abort(reason: unknown): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.reason = reason;
    const reject = this.rejectRun;
    this.settle();
    this.controller?.abort(reason);
    reject?.(reason);
    if (this.children) for (const child of this.children) child.abort(reason);
  }

  /** Settles with `work`, or rejects with the abort reason if the attempt is aborted first. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.isAborted) return Promise.reject(this.reason);
    return new Promise<T>((resolve, reject) => {
      this.rejectRun = reject;
      let running: Promise<T>;
      try {
        running = Promise.resolve(work());
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
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
    this.inFlight.attempts.delete(this);
    this.parent?.children?.delete(this);
  }
}

type Deadline = { at: number; timeoutMs: number; attempt: Attempt };

/**
 * Step timeouts through one clock sleep per run rather than one per attempt: cancelling a sleep
 * takes an AbortController, which costs more than the rest of a step (ARCHITECTURE.md, "Runtime
 * costs"). Deadlines are kept in order (nearly always appended, since a plan's steps share a
 * timeout), the sleep targets the earliest, and settled attempts are dropped as they reach the
 * front.
 */
export class Deadlines {
  private queue: Deadline[] = [];
  private sleep: { at: number; controller: AbortController } | undefined;

  constructor(private readonly clock: Clock) {}

  watch(attempt: Attempt, timeoutMs: number): void {
    this.dropSettled();
    const at = this.clock.now() + timeoutMs;
    const deadline = { at, timeoutMs, attempt };
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1] as Deadline).at > at) i--;
    if (i === this.queue.length) this.queue.push(deadline);
    else this.queue.splice(i, 0, deadline);
    if (!this.sleep || at < this.sleep.at) this.arm();
  }

  /** The run ended: no more timeouts. */
  close(): void {
    this.queue = [];
    this.sleep?.controller.abort(SETTLED);
    this.sleep = undefined;
  }

  private dropSettled(): void {
    while (this.queue.length > 0 && (this.queue[0] as Deadline).attempt.isDone) this.queue.shift();
  }

  private arm(): void {
    this.sleep?.controller.abort(SETTLED);
    this.sleep = undefined;
    this.dropSettled();
    const next = this.queue[0];
    if (!next) return;
    const sleep = { at: next.at, controller: new AbortController() };
    this.sleep = sleep;
    this.clock.sleep(Math.max(0, next.at - this.clock.now()), sleep.controller.signal).then(
      () => {
        if (this.sleep !== sleep) return;
        const now = this.clock.now();
        while (this.queue.length > 0 && (this.queue[0] as Deadline).at <= now) {
          const { attempt, timeoutMs } = this.queue.shift() as Deadline;
          const reason = new StepError("STEP_TIMEOUT", `Timed out after ${timeoutMs} ms`, true);
          if (!attempt.isDone) attempt.abort(reason);
        }
        this.arm();
      },
      () => undefined, // re-armed or closed
    );
  }
}

/**
 * Exponential backoff: the wait before attempt `failedAttempt + 1`.
 * @example backoffDelay({ initialDelayMs: 1000, factor: 2, maxDelayMs: 30000, maxAttempts: 5 }, 3) // → 4000
 */
export function backoffDelay(retry: RetryPolicy, failedAttempt: number): number {
  return Math.min(retry.maxDelayMs, retry.initialDelayMs * retry.factor ** (failedAttempt - 1));
}
