import type { Plan } from "../schema/plan";
import type { RunError, RunEvent } from "../schema/run-events";
import { DeadlineWatcher, LiveAttempts } from "./attempt";
import { EventQueue } from "./event-queue";
import type { Clock, RunPorts, StepRecord } from "./ports";
import { createCancelledError, StepError, toStepError } from "./step-error";
import type { ApprovalDecision, UsageTally } from "./step-scope";

/** What a person chose for an interrupted step that is not safe to repeat. */
export type InterruptionDecision = "retry" | "skip" | "fail";
export const INTERRUPTION_DECISIONS = [
  "retry",
  "skip",
  "fail",
] as const satisfies readonly InterruptionDecision[];

/** Where a scope gets its AbortSignal from, made on first use. */
export type SignalSource = { readonly signal: AbortSignal };
export type PinnedOutput = { output: unknown; port?: string };

export type RunOptions = {
  runId: string;
  /** Cancels the run: in-flight steps are aborted and the run ends with run.cancelled. */
  signal?: AbortSignal;
  /** Outputs to use instead of running these steps (by step id); no LLM or tool is called for them. */
  pinnedOutputs?: Record<string, PinnedOutput>;
  /** Decisions for human-approval steps (by step id), given when resuming a waiting run. */
  approvals?: Record<string, ApprovalDecision>;
  /**
   * Steps that had started but not finished when the run's last worker stopped. They run again,
   * except those not safe to repeat: these wait for a person (run.waiting, reason "interrupted")
   * unless `interruptionDecisions` holds what the person chose.
   */
  interruptedSteps?: readonly string[];
  interruptionDecisions?: Record<string, InterruptionDecision>;
  /** Refuse every LLM and tool call: steps that would make one must be pinned, or they fail. */
  dryRun?: boolean;
};

/**
 * What every run has, whatever its plan: the event stream, run totals, and stopping (cancel,
 * failure or crash), which aborts every attempt in flight.
 */
export abstract class RunCore {
  protected readonly clock: Clock;
  protected readonly runId: string;
  protected readonly events = new EventQueue();
  /** Results loaded from the RunStore at start, plus child steps finished during this call. */
  protected readonly records = new Map<string, StepRecord>();
  protected readonly halt = new AbortController();
  /** The signal pure units see: they are aborted only with the whole run. */
  protected readonly runSignals: SignalSource = { signal: this.halt.signal };
  protected isStopping = false;
  protected failure: RunError | undefined;
  protected cancelReason: string | undefined;
  protected startedAt = 0;
  /** Attempts in flight, so stopping can abort them all. */
  protected readonly attempts = new LiveAttempts();
  protected readonly deadlines: DeadlineWatcher;
  private usage = { inputTokens: 0, outputTokens: 0 };
  private costUsd = 0;
  private unpricedTokens = 0;
  private isSinkBroken = false;

  constructor(
    protected readonly plan: Plan,
    readonly input: unknown,
    readonly ports: RunPorts,
    protected readonly options: RunOptions,
  ) {
    this.clock = ports.clock;
    this.runId = options.runId;
    this.deadlines = new DeadlineWatcher(this.clock, (attempt) =>
      attempt.abort(new StepError("STEP_TIMEOUT", `Timed out after ${attempt.timeoutMs} ms`, true)),
    );
  }

  /** Called once when the run starts stopping, to wind down scheduling. */
  protected abstract onStopped(): void;

  // ---- events and totals --------------------------------------------------------------------

  protected emit(event: RunEvent): void {
    this.events.push(event);
    const sink = this.ports.events;
    if (!sink) return;
    try {
      sink.emit(event);
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
    return this.events.take();
  }

  waitForEvent(): Promise<void> {
    return this.events.wait();
  }

  get isFinished(): boolean {
    return this.events.closed;
  }

  protected endRun(): void {
    this.deadlines.close();
    this.events.close();
  }

  protected totals() {
    return {
      durationMs: this.clock.now() - this.startedAt,
      usage: { ...this.usage },
      costUsd: this.costUsd,
      ...(this.unpricedTokens > 0 ? { unpricedTokens: this.unpricedTokens } : {}),
    };
  }

  protected addTally(tally: UsageTally): void {
    this.usage.inputTokens += tally.usage.inputTokens;
    this.usage.outputTokens += tally.usage.outputTokens;
    this.costUsd += tally.costUsd;
    this.unpricedTokens += tally.unpricedTokens;
  }

  // ---- stopping -----------------------------------------------------------------------------

  private stop(reason: StepError): void {
    if (this.isStopping) return;
    this.isStopping = true;
    this.halt.abort(reason);
    this.attempts.abortAll(reason);
    this.onStopped();
  }

  /** Ends the run as failed; other in-flight steps are aborted. */
  protected fail(error: RunError): void {
    if (this.isStopping || this.isFinished) return;
    this.failure = error;
    const culprit = error.stepId ? `step "${error.stepId}" failed` : "the run failed";
    this.stop(new StepError("ABORTED", `Stopped because ${culprit}`, false));
  }

  cancel(reason = "The run was cancelled"): void {
    if (this.isStopping || this.isFinished) return;
    this.cancelReason = reason;
    this.stop(createCancelledError(reason));
  }

  protected haltError(): StepError {
    const reason: unknown = this.halt.signal.reason;
    return reason instanceof StepError ? reason : createCancelledError();
  }
}
