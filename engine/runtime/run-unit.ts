import type { RetryPolicy } from "../schema/plan";
import type { RunEvent } from "../schema/run-events";
import { Attempt, backoffDelay } from "./attempt";
import type { RunStore, StepRecord } from "./ports";
import type { RunLedger } from "./run-ledger";
import { StepError, toRunError, toStepError } from "./step-error";
import type { ApprovalDecision, StepResult, StepScope, UsageTally } from "./step-scope";

/** One executable thing: a plan step or a dynamic child step (planner, worker). */
export type Unit = {
  id: string;
  parentStepId?: string;
  kind: string;
  retry: RetryPolicy;
  timeoutMs: number | null;
  value: unknown;
  liveInputs: readonly unknown[];
  approval?: ApprovalDecision;
  /** For a child step, the parent's attempt: aborting it aborts the child. */
  parent?: Attempt;
  /** A pure unit calls no port: it runs inline, with no attempt or timer of its own. */
  isPure: boolean;
  execute(scope: StepScope): StepResult | Promise<StepResult>;
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

/** What running and storing a unit needs from its run. */
export type UnitRun = {
  readonly ledger: RunLedger;
  readonly store: RunStore;
  scopeFor(unit: Unit, attempt: Attempt | undefined, tally: UsageTally): StepScope;
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

export const createTally = (): UsageTally => ({
  usage: { inputTokens: 0, outputTokens: 0 },
  costUsd: 0,
  unpricedTokens: 0,
});

/** Why a unit must stop now: the run is stopping, or its parent attempt ended. */
function stopReason(ledger: RunLedger, unit: Unit): StepError | undefined {
  if (ledger.isStopping) return ledger.stopError();
  return unit.parent?.aborted ? toStepError(unit.parent.abortReason) : undefined;
}

function attemptUnit(run: UnitRun, unit: Unit, tally: UsageTally) {
  if (unit.isPure) return unit.execute(run.scopeFor(unit, undefined, tally));
  const attempt = new Attempt(unit.parent, run.ledger, unit.timeoutMs);
  return attempt.run(() => unit.execute(run.scopeFor(unit, attempt, tally)));
}

function emitStarted(ledger: RunLedger, unit: Unit, attempt: number, at: number): void {
  const event: RunEvent = {
    type: "step.started",
    runId: ledger.runId,
    at,
    stepId: unit.id,
    kind: unit.kind,
    attempt,
  };
  if (unit.parentStepId !== undefined) event.parentStepId = unit.parentStepId;
  ledger.emit(event);
}

/**
 * Runs a unit to an outcome, retrying retryable errors with exponential backoff on the run's
 * clock; rejects with UnitFailure when it gives up.
 * @example const outcome = await runUnit(host, unit) // → { output, port: "out", attempts: 1, … }
 */
export async function runUnit(run: UnitRun, unit: Unit): Promise<Outcome> {
  const { ledger } = run;
  const tally = createTally();
  const startedAt = ledger.clock.now();
  for (let attempt = 1; ; attempt++) {
    emitStarted(ledger, unit, attempt, attempt === 1 ? startedAt : ledger.clock.now());
    let thrown: unknown;
    try {
      const result = await attemptUnit(run, unit, tally);
      const port = result.port ?? "out";
      return { output: result.output, port, attempts: attempt, startedAt, tally, pinned: false };
    } catch (error) {
      thrown = error;
    }
    const stopped = stopReason(ledger, unit);
    const error = stopped ?? toStepError(thrown);
    if (stopped || !error.retryable || attempt >= unit.retry.maxAttempts) {
      throw new UnitFailure(unit.id, unit.parentStepId, error, attempt, startedAt, tally);
    }
    const delayMs = backoffDelay(unit.retry, attempt);
    const event: RunEvent = {
      type: "step.retrying",
      runId: ledger.runId,
      at: ledger.clock.now(),
      stepId: unit.id,
      attempt,
      delayMs,
      error: toRunError(error),
    };
    if (unit.parentStepId !== undefined) event.parentStepId = unit.parentStepId;
    ledger.emit(event);
    try {
      await ledger.clock.sleep(delayMs, unit.parent?.signal ?? ledger.signal);
    } catch {
      const reason = stopReason(ledger, unit) ?? ledger.stopError();
      throw new UnitFailure(unit.id, unit.parentStepId, reason, attempt, startedAt, tally);
    }
  }
}

/** The error of a step whose result the RunStore refused. */
export function storeFailure(unitId: string, error: unknown): StepError {
  return new StepError(
    "STORE_FAILED",
    `Could not store the result of "${unitId}": ${toStepError(error).message}`,
    false,
  );
}

/**
 * Stores a finished unit, then reports it (step.completed, run totals): dependants start only
 * after this resolves. Rejects with UnitFailure STORE_FAILED when the RunStore refuses it.
 * With `saveLater`, the save is handed to it instead of awaited, and the unit is reported at once.
 */
export async function storeUnit(
  run: UnitRun,
  unitId: string,
  parentStepId: string | undefined,
  outcome: Outcome,
  saveLater?: (saving: Promise<void>) => void,
): Promise<StepRecord> {
  const { ledger } = run;
  const { output, port, attempts, startedAt, tally, pinned, fallbackStepId } = outcome;
  const record: StepRecord = {
    stepId: unitId,
    output,
    port,
    attempts,
    startedAt,
    finishedAt: ledger.clock.now(),
    usage: tally.usage,
    costUsd: tally.costUsd,
  };
  if (tally.unpricedTokens > 0) record.unpricedTokens = tally.unpricedTokens;
  if (parentStepId !== undefined) record.parentStepId = parentStepId;
  if (pinned) record.pinned = true;
  if (fallbackStepId !== undefined) record.fallbackStepId = fallbackStepId;
  const saving = run.store.saveStepRecord(ledger.runId, record);
  if (saveLater) saveLater(saving);
  else {
    try {
      await saving;
    } catch (error) {
      const reason = storeFailure(unitId, error);
      throw new UnitFailure(unitId, parentStepId, reason, attempts, startedAt, tally);
    }
  }
  ledger.add(tally);
  const event: RunEvent = {
    type: "step.completed",
    runId: ledger.runId,
    at: record.finishedAt,
    stepId: unitId,
    durationMs: record.finishedAt - startedAt,
    usage: record.usage,
    costUsd: record.costUsd,
    output,
    port,
    attempts,
    pinned,
  };
  if (record.unpricedTokens) event.unpricedTokens = record.unpricedTokens;
  if (parentStepId !== undefined) event.parentStepId = parentStepId;
  if (fallbackStepId !== undefined) event.fallbackStepId = fallbackStepId;
  ledger.emit(event);
  return record;
}

/** Whatever a unit threw, as a UnitFailure (a stopping run's reason wins over the unit's own). */
export function toFailure(
  ledger: RunLedger,
  error: unknown,
  unitId: string,
  parentStepId?: string,
): UnitFailure {
  if (error instanceof UnitFailure) return error;
  const reason = ledger.isStopping ? ledger.stopError() : toStepError(error);
  return new UnitFailure(unitId, parentStepId, reason, 1, ledger.clock.now(), createTally());
}

/** Reports a unit's final failure; `fallbackStepId` means the run goes on with that step instead. */
export function reportFailure(
  ledger: RunLedger,
  failure: UnitFailure,
  fallbackStepId?: string,
): StepError {
  const at = ledger.clock.now();
  const event: RunEvent = {
    type: "step.failed",
    runId: ledger.runId,
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
  ledger.emit(event);
  return failure.error;
}
