import type { PlanStep, RetryPolicy } from "../schema/plan";
import type { RunEvent } from "../schema/run-events";
import type { Plan } from "../schema/plan";
import { Attempt, backoffDelay, DeadlineWatcher } from "./attempt";
import type { RunPorts, StepRecord } from "./ports";
import { RunLedger } from "./run-ledger";
import type { RunOptions } from "./run-options";
import { StepError, toRunError, toStepError } from "./step-error";
import { executeCallingStep } from "./step-kinds/calling-steps";
import { executePureStep } from "./step-kinds/pure-steps";
import type { ApprovalDecision, StepResult, StepScope, UsageTally } from "./step-scope";

/** Where a scope gets its AbortSignal from, made on first use. */
export type SignalSource = { readonly signal: AbortSignal };

/** One executable thing: a plan step or a dynamic child step (planner, worker). */
export type Unit = {
  id: string;
  parentStepId?: string;
  kind: string;
  retry: RetryPolicy;
  timeoutMs: number | null;
  /** Pure units run inline, with no attempt object, timer or promise of their own. */
  isSync: boolean;
  value: unknown;
  liveInputs: readonly unknown[];
  approval?: ApprovalDecision;
  /** For a child step, the parent's attempt: aborting it aborts the child. */
  parent?: Attempt;
  /** A plan step runs by its kind; a child step brings its own function. */
  step?: PlanStep;
  execute?: (scope: StepScope) => Promise<StepResult>;
};

export type Outcome = {
  output: unknown;
  port: string;
  attempts: number;
  startedAt: number;
  tally: UsageTally;
  pinned: boolean;
  fallbackStepId?: string;
};

/** A unit that failed for good (retries spent, not retryable, or stopped), with what it consumed. */
export class UnitFailure extends Error {
  constructor(
    readonly unitId: string,
    readonly parentStepId: string | undefined,
    readonly error: StepError,
    readonly attempts: number,
    readonly startedAt: number,
    readonly tally: UsageTally,
  ) {
    super(error.message);
  }
}

/** Shared by every tally that has not used an LLM yet; StepScope replaces it, never mutates it. */
const NO_USAGE = Object.freeze({ inputTokens: 0, outputTokens: 0 });
export const createTally = (): UsageTally => ({ usage: NO_USAGE, costUsd: 0, unpricedTokens: 0 });

/**
 * Runs one unit at a time to an outcome: attempts with timeouts, retries with backoff, then storing
 * the result and reporting it. Knows nothing of the plan's shape; PlanRun decides what runs when.
 */
export abstract class UnitRunner {
  /** Events, totals and stopping; stopping winds the scheduler down through `onStopped`. */
  readonly ledger: RunLedger;
  /** Results loaded from the RunStore at start, plus child steps finished during this call. */
  protected readonly records = new Map<string, StepRecord>();
  /** The signal pure units see: they are aborted only with the whole run. */
  protected readonly runSignals: SignalSource;
  protected readonly deadlines: DeadlineWatcher;

  constructor(
    protected readonly plan: Plan,
    readonly input: unknown,
    readonly ports: RunPorts,
    protected readonly options: RunOptions,
  ) {
    this.ledger = new RunLedger(options.runId, ports.clock, ports.events, () => this.onStopped());
    this.runSignals = { signal: this.ledger.signal };
    this.deadlines = new DeadlineWatcher(ports.clock, (attempt) =>
      attempt.abort(new StepError("STEP_TIMEOUT", `Timed out after ${attempt.timeoutMs} ms`, true)),
    );
  }

  /** Called once when the run starts stopping, to wind down scheduling. */
  protected abstract onStopped(): void;
  protected abstract scopeFor(unit: Unit, signals: SignalSource, tally: UsageTally): StepScope;

  /** Closes the run after its terminal event. */
  protected endRun(): void {
    this.deadlines.close();
    this.ledger.end();
  }

  // ---- storing and reporting ----------------------------------------------------------------

  /** Stores a finished unit, then reports it: dependants start only after this resolves. */
  protected complete(
    unitId: string,
    parentStepId: string | undefined,
    outcome: Outcome,
  ): Promise<void> {
    const { output, port, attempts, startedAt, tally, pinned, fallbackStepId } = outcome;
    const record: StepRecord = {
      stepId: unitId,
      output,
      port,
      attempts,
      startedAt,
      finishedAt: this.ledger.clock.now(),
      usage: tally.usage,
      costUsd: tally.costUsd,
    };
    if (tally.unpricedTokens > 0) record.unpricedTokens = tally.unpricedTokens;
    if (parentStepId !== undefined) record.parentStepId = parentStepId;
    if (pinned) record.pinned = true;
    if (fallbackStepId !== undefined) record.fallbackStepId = fallbackStepId;
    let saving: Promise<void>;
    try {
      saving = this.ports.store.saveStepRecord(this.ledger.runId, record);
    } catch (error) {
      saving = Promise.reject(error);
    }
    return saving.then(
      () => this.reportCompleted(record),
      (error: unknown) => {
        const reason = new StepError(
          "STORE_FAILED",
          `Could not store the result of "${unitId}": ${toStepError(error).message}`,
          false,
        );
        throw new UnitFailure(unitId, parentStepId, reason, attempts, startedAt, tally);
      },
    );
  }

  private reportCompleted(record: StepRecord): void {
    // Plan steps live in the scheduler's arrays; child steps are looked up here when a parent retries.
    if (record.parentStepId !== undefined) this.records.set(record.stepId, record);
    this.ledger.add({
      usage: record.usage,
      costUsd: record.costUsd,
      unpricedTokens: record.unpricedTokens ?? 0,
    });
    const event: RunEvent = {
      type: "step.completed",
      runId: this.ledger.runId,
      at: record.finishedAt,
      stepId: record.stepId,
      durationMs: record.finishedAt - record.startedAt,
      usage: record.usage,
      costUsd: record.costUsd,
      output: record.output,
      port: record.port,
      attempts: record.attempts,
      pinned: record.pinned ?? false,
    };
    if (record.unpricedTokens) event.unpricedTokens = record.unpricedTokens;
    if (record.parentStepId !== undefined) event.parentStepId = record.parentStepId;
    if (record.fallbackStepId !== undefined) event.fallbackStepId = record.fallbackStepId;
    this.ledger.emit(event);
  }

  /** Reports a unit's final failure; `fallbackStepId` means the run goes on with that step instead. */
  protected reportFailure(failure: UnitFailure, fallbackStepId?: string): StepError {
    const at = this.ledger.clock.now();
    const event: RunEvent = {
      type: "step.failed",
      runId: this.ledger.runId,
      at,
      stepId: failure.unitId,
      durationMs: at - failure.startedAt,
      usage: failure.tally.usage,
      costUsd: failure.tally.costUsd,
      attempt: failure.attempts,
      error: toRunError(failure.error),
    };
    if (failure.tally.unpricedTokens > 0) event.unpricedTokens = failure.tally.unpricedTokens;
    if (failure.parentStepId !== undefined) event.parentStepId = failure.parentStepId;
    if (fallbackStepId !== undefined) event.fallbackStepId = fallbackStepId;
    this.ledger.emit(event);
    return failure.error;
  }

  protected toFailure(error: unknown, unitId: string, parentStepId?: string): UnitFailure {
    if (error instanceof UnitFailure) return error;
    const reason = this.ledger.isStopping ? this.ledger.stopError() : toStepError(error);
    return new UnitFailure(unitId, parentStepId, reason, 1, this.ledger.clock.now(), createTally());
  }

  private emitStarted(unit: Unit, attempt: number, at: number): void {
    const event: RunEvent = {
      type: "step.started",
      runId: this.ledger.runId,
      at,
      stepId: unit.id,
      kind: unit.kind,
      attempt,
    };
    if (unit.parentStepId !== undefined) event.parentStepId = unit.parentStepId;
    this.ledger.emit(event);
  }

  // ---- running one unit ---------------------------------------------------------------------

  /**
   * Runs a unit to an outcome, retrying retryable errors with exponential backoff on the Clock;
   * throws (or rejects with) UnitFailure when it gives up. A pure unit that succeeds first time
   * returns synchronously: no promise, which is most of the cost of a trivial step.
   */
  protected runUnit(unit: Unit): Outcome | Promise<Outcome> {
    const tally = createTally();
    const startedAt = this.ledger.clock.now();
    this.emitStarted(unit, 1, startedAt);
    if (!unit.isSync) {
      // First attempt without an async frame of its own: the retry loop only exists once needed.
      return this.attempt(unit, tally).then(
        (result) => ({
          output: result.output,
          port: result.port ?? "out",
          attempts: 1,
          startedAt,
          tally,
          pinned: false,
        }),
        (error: unknown) => this.retryUnit(unit, tally, startedAt, error),
      );
    }
    try {
      const result = executePureStep(
        unit.step as PlanStep,
        this.scopeFor(unit, this.runSignals, tally),
      );
      return {
        output: result.output,
        port: result.port ?? "out",
        attempts: 1,
        startedAt,
        tally,
        pinned: false,
      };
    } catch (error) {
      return this.retryUnit(unit, tally, startedAt, error);
    }
  }

  /** Why a unit must stop now: the run is stopping, or its parent attempt was aborted. */
  private stopReason(unit: Unit): StepError | undefined {
    if (this.ledger.isStopping) return this.ledger.stopError();
    return unit.parent?.aborted ? toStepError(unit.parent.abortReason) : undefined;
  }

  /** Attempts 2 and on, after attempt 1 failed with `firstError`. */
  private async retryUnit(
    unit: Unit,
    tally: UsageTally,
    startedAt: number,
    firstError: unknown,
  ): Promise<Outcome> {
    let thrown = firstError;
    for (let attempt = 2; ; attempt++) {
      const failed = attempt - 1;
      const stopped = this.stopReason(unit);
      const error = stopped ?? toStepError(thrown);
      if (stopped || !error.retryable || failed >= unit.retry.maxAttempts) {
        throw new UnitFailure(unit.id, unit.parentStepId, error, failed, startedAt, tally);
      }
      const delayMs = backoffDelay(unit.retry, failed);
      const event: RunEvent = {
        type: "step.retrying",
        runId: this.ledger.runId,
        at: this.ledger.clock.now(),
        stepId: unit.id,
        attempt: failed,
        delayMs,
        error: toRunError(error),
      };
      if (unit.parentStepId !== undefined) event.parentStepId = unit.parentStepId;
      this.ledger.emit(event);
      try {
        await this.ledger.clock.sleep(delayMs, unit.parent?.signal ?? this.ledger.signal);
      } catch {
        throw new UnitFailure(
          unit.id,
          unit.parentStepId,
          this.stopReason(unit) ?? this.ledger.stopError(),
          failed,
          startedAt,
          tally,
        );
      }
      this.emitStarted(unit, attempt, this.ledger.clock.now());
      try {
        const result = unit.isSync
          ? executePureStep(unit.step as PlanStep, this.scopeFor(unit, this.runSignals, tally))
          : await this.attempt(unit, tally);
        return {
          output: result.output,
          port: result.port ?? "out",
          attempts: attempt,
          startedAt,
          tally,
          pinned: false,
        };
      } catch (error) {
        thrown = error;
      }
    }
  }

  private attempt(unit: Unit, tally: UsageTally): Promise<StepResult> {
    const attempt = new Attempt(unit.parent, this.ledger.attempts, unit.timeoutMs);
    if (unit.timeoutMs !== null) this.deadlines.watch(attempt, unit.timeoutMs);
    const scope = this.scopeFor(unit, attempt, tally);
    let work: StepResult | Promise<StepResult>;
    try {
      work = unit.execute ? unit.execute(scope) : executeCallingStep(unit.step as PlanStep, scope);
    } catch (error) {
      work = Promise.reject(error);
    }
    return attempt.run(work instanceof Promise ? work : Promise.resolve(work));
  }
}
