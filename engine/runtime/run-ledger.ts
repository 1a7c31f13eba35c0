import type { RunError, RunEvent } from "../schema/run-events";
import { Deadlines, type Attempt, type InFlight } from "./attempt";
import { EventQueue } from "./event-queue";
import type { Clock, EventSink } from "./ports";
import { createCancelledError, StepError, toStepError } from "./step-error";
import type { UsageTally } from "./step-scope";

/**
 * One run's account, whatever its plan: the events it emitted (queued for the generator and sent
 * to the sink, in order), its totals, and whether and why it stops (cancel or failure). Stopping
 * aborts `signal` and every attempt in flight, then calls `onStop` so the scheduler winds down.
 */
export class RunLedger implements InFlight {
  readonly startedAt: number;
  /** Attempts in flight (child steps' too), so stopping can abort them all. */
  readonly attempts = new Set<Attempt>();
  /** Their timeouts, closed when the run ends. */
  readonly deadlines: Deadlines;
  private readonly queue = new EventQueue();
  private readonly halt = new AbortController();
  private readonly usage = { inputTokens: 0, outputTokens: 0 };
  private costUsd = 0;
  private unpricedTokens = 0;
  private isSinkBroken = false;
  private stopping = false;
  private failedWith: RunError | undefined;
  private cancelledFor: string | undefined;

  constructor(
    readonly runId: string,
    readonly clock: Clock,
    private readonly sink: EventSink | undefined,
    private readonly onStop: () => void,
  ) {
    this.startedAt = clock.now();
    this.deadlines = new Deadlines(clock);
  }

  // ---- events -------------------------------------------------------------------------------

  /** Queues an event for the generator and hands it to the sink; a sink that throws fails the run. */
  emit(event: RunEvent): void {
    this.queue.push(event);
    if (!this.sink) return;
    try {
      this.sink.emit(event);
    } catch (error) {
      if (this.isSinkBroken) return;
      this.isSinkBroken = true;
      this.fail({
        code: "EVENT_SINK_FAILED",
        message: `The event sink failed: ${toStepError(error).message}`,
      });
    }
  }

  takeEvent(): RunEvent | undefined {
    return this.queue.take();
  }

  waitForEvent(): Promise<void> {
    return this.queue.wait();
  }

  /** Closes the event stream after the terminal event. */
  end(): void {
    this.deadlines.close();
    this.queue.close();
  }

  get isFinished(): boolean {
    return this.queue.closed;
  }

  // ---- totals -------------------------------------------------------------------------------

  add(tally: UsageTally): void {
    this.usage.inputTokens += tally.usage.inputTokens;
    this.usage.outputTokens += tally.usage.outputTokens;
    this.costUsd += tally.costUsd;
    this.unpricedTokens += tally.unpricedTokens;
  }

  /** The figures every terminal event carries. */
  totals() {
    return {
      durationMs: this.clock.now() - this.startedAt,
      usage: { ...this.usage },
      costUsd: this.costUsd,
      ...(this.unpricedTokens > 0 ? { unpricedTokens: this.unpricedTokens } : {}),
    };
  }

  // ---- stopping -----------------------------------------------------------------------------

  /** Aborted when the run stops: what pure units and retry waits of plan steps listen to. */
  get signal(): AbortSignal {
    return this.halt.signal;
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  get failure(): RunError | undefined {
    return this.failedWith;
  }

  get cancelReason(): string | undefined {
    return this.cancelledFor;
  }

  /** Ends the run as failed; other in-flight steps are aborted. */
  fail(error: RunError): void {
    if (this.stopping || this.isFinished) return;
    this.failedWith = error;
    const culprit = error.stepId ? `step "${error.stepId}" failed` : "the run failed";
    this.stop(new StepError("ABORTED", `Stopped because ${culprit}`, false));
  }

  cancel(reason = "The run was cancelled"): void {
    if (this.stopping || this.isFinished) return;
    this.cancelledFor = reason;
    this.stop(createCancelledError(reason));
  }

  /** Why in-flight work stops: the reason the run stopped with. */
  stopError(): StepError {
    const reason: unknown = this.halt.signal.reason;
    return reason instanceof StepError ? reason : createCancelledError();
  }

  private stop(reason: StepError): void {
    this.stopping = true;
    this.halt.abort(reason);
    for (const attempt of [...this.attempts]) attempt.abort(reason);
    this.onStop();
  }
}
