import { isCallingStep, type Plan, type PlanStep } from "../schema/plan";
import type { RunPorts, StepRecord } from "./ports";
import { RunLedger } from "./run-ledger";
import type { RunOptions } from "./run-options";
import {
  createTally,
  reportFailure,
  runUnit,
  storeFailure,
  storeUnit,
  toFailure,
  UnitFailure,
  type Outcome,
  type Unit,
} from "./run-unit";
import { ScopeHost } from "./scope-host";
import { SlotPool } from "./slot-pool";
import {
  failInterrupted,
  interruptedRequest,
  pickDefaultPort,
  pinnedOutcome,
  skippedOutcome,
  type WaitingFor,
} from "./stand-ins";
import { StepError, toRunError } from "./step-error";
import { executeCallingStep } from "./step-kinds/calling-steps";
import { executePureStep } from "./step-kinds/pure-steps";
import type { ApprovalDecision } from "./step-scope";

const NO_INPUTS: readonly unknown[] = [];

/** What the scheduler knows of one plan step. */
type StepState = {
  readonly step: PlanStep;
  status: "pending" | "running" | "done" | "skipped" | "waiting" | "failed";
  /** Dependencies not yet settled; the step is ready when it reaches 0. */
  blockers: number;
  readonly dependants: StepState[];
  output?: unknown;
  /** The port its output left by: it decides which branches run. */
  port?: string;
};

function describeReason(reason: unknown): string | undefined {
  if (typeof reason === "string") return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return undefined;
}

/**
 * Executes one plan: a step becomes ready when its last dependency settles, at most
 * `plan.concurrency` units run at once (a SlotPool), each step is stored before its dependants
 * start, and a step found in the RunStore is restored instead of run. It holds the run's
 * RunLedger (events, totals, stopping) and lends running steps a ScopeHost.
 */
export class PlanRunner {
  readonly ledger: RunLedger;
  private readonly host: ScopeHost;
  private readonly slots: SlotPool;
  private readonly states = new Map<string, StepState>();
  private readonly records = new Map<string, StepRecord>();
  private readonly ready: StepState[] = [];
  private readonly waiting: WaitingFor[] = [];
  private readonly interrupted: ReadonlySet<string>;
  /** Plan steps running now (child steps run inside their parent's). */
  private active = 0;
  /** Saves of pure steps' rows not yet settled (see saveLater): the run does not end before them. */
  private savesInFlight = 0;
  private detachSignal: (() => void) | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly input: unknown,
    private readonly ports: RunPorts,
    private readonly options: RunOptions,
  ) {
    this.ledger = new RunLedger(options.runId, ports.clock, ports.events, () => {
      this.slots.open();
      this.pump();
    });
    this.slots = new SlotPool(plan.concurrency, () => this.pump());
    this.host = new ScopeHost({
      ledger: this.ledger,
      ports,
      input,
      inputSchema: plan.inputSchema,
      isDryRun: options.dryRun ?? false,
      records: this.records,
      slots: this.slots,
      readStep: (stepId) => this.readStep(stepId),
    });
    this.interrupted = new Set(options.interruptedSteps ?? []);
    for (const step of plan.steps) {
      this.states.set(step.id, { step, status: "pending", blockers: 0, dependants: [] });
    }
  }

  /** Loads stored results, announces the run, and starts scheduling. Events follow on the ledger. */
  async start(): Promise<void> {
    const { ledger } = this;
    try {
      for (const record of await this.ports.store.loadStepRecords(ledger.runId)) {
        this.records.set(record.stepId, record);
        ledger.add({
          usage: record.usage,
          costUsd: record.costUsd,
          unpricedTokens: record.unpricedTokens ?? 0,
        });
      }
    } catch (error) {
      ledger.emit({
        type: "run.failed",
        runId: ledger.runId,
        at: ledger.clock.now(),
        ...ledger.totals(),
        error: {
          code: "STORE_FAILED",
          message: `Could not load the run's stored steps: ${String(error)}`,
        },
      });
      ledger.end();
      return;
    }
    ledger.emit({
      type: "run.started",
      runId: ledger.runId,
      at: ledger.startedAt,
      stepCount: this.plan.steps.length,
      resumed: this.records.size > 0,
      restoredSteps: this.records.size,
    });
    this.linkSteps();
    const signal = this.options.signal;
    if (signal) {
      const onAbort = () => ledger.cancel(describeReason(signal.reason));
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener("abort", onAbort, { once: true });
        this.detachSignal = () => signal.removeEventListener("abort", onAbort);
      }
    }
    this.pump();
  }

  /** Ends the run on an error the engine did not expect (a bug, or a port breaking its contract). */
  crash(error: unknown): void {
    if (this.ledger.isFinished) return;
    this.ledger.fail({
      code: "INTERNAL",
      message: error instanceof Error ? error.message : String(error),
    });
    this.pump();
  }

  /** Counts each step's dependencies; fallback steps wait to be called on instead. */
  private linkSteps(): void {
    for (const state of this.states.values()) {
      if (state.step.isFallback) continue;
      state.blockers = state.step.dependsOn.length;
      for (const dep of state.step.dependsOn) this.stateOf(dep).dependants.push(state);
      if (state.blockers === 0) this.ready.push(state);
    }
  }

  private stateOf(stepId: string): StepState {
    return this.states.get(stepId) as StepState;
  }

  // ---- scheduling ---------------------------------------------------------------------------

  /** Starts ready steps while slots are free, then ends the run if nothing is left to do. */
  private pump(): void {
    while (!this.ledger.isStopping && this.slots.hasFree && this.ready.length > 0) {
      this.startStep(this.ready.shift() as StepState);
    }
    this.finishIfIdle();
  }

  /** A step settled (done, skipped or restored): dependants it was the last blocker of are ready. */
  private settle(state: StepState): void {
    for (const dependant of state.dependants) {
      dependant.blockers--;
      if (dependant.blockers === 0) this.ready.push(dependant);
    }
  }

  /** The incoming value and, for a join, every live branch's output; undefined when none ran. */
  private collectInputs(step: PlanStep): { value: unknown; live: readonly unknown[] } | undefined {
    if (step.inputs.length === 0) return { value: this.input, live: NO_INPUTS };
    const live: unknown[] = [];
    for (const link of step.inputs) {
      const source = this.stateOf(link.step);
      if (source.status === "done" && source.port === link.port) live.push(source.output);
    }
    if (live.length === 0) return undefined;
    return { value: live[0], live: step.kind === "join" ? live : NO_INPUTS };
  }

  private startStep(state: StepState): void {
    const { step } = state;
    const inputs = this.collectInputs(step);
    if (!inputs) return this.skip(state);
    const record = this.records.get(step.id);
    if (record) return this.finish(state, record.output, record.port);
    const pinned = this.options.pinnedOutputs?.[step.id];
    if (step.notSafeToRepeat && !pinned && this.interrupted.has(step.id)) {
      const decision = this.options.interruptionDecisions?.[step.id];
      if (!decision) return this.waitForPerson(state);
      if (decision === "skip") return this.launch(state, () => skippedOutcome(this.ledger, step));
      if (decision === "fail") return this.launch(state, () => failInterrupted());
    }
    let approval: ApprovalDecision | undefined;
    if (step.kind === "human-approval" && !pinned) {
      approval = this.options.approvals?.[step.id];
      if (!approval) return this.waitForApproval(state, inputs.value);
    }
    if (pinned) return this.launch(state, () => pinnedOutcome(this.ledger, step, pinned));
    const unit = this.unitFor(step, inputs.value, inputs.live, approval);
    if (step.fallback === null)
      return this.launch(state, () => runUnit(this.host, unit), unit.isPure);
    this.launch(state, () => this.runWithFallback(step, unit));
  }

  /** Starts a step in a slot; a throw outside the step's own work is a bug, and fails the run. */
  private launch(
    state: StepState,
    produce: () => Outcome | Promise<Outcome>,
    isPure = false,
  ): void {
    this.runStep(state, produce, isPure).catch((error: unknown) => this.crash(error));
  }

  /**
   * A pure step's row is saved without holding its dependants back, so the rows of a chain of
   * pure steps reach the store together (one transaction instead of one per step). Nothing is
   * lost if the process dies first: the step runs again and touches nothing outside the run. The
   * run ends only once every such save has settled, and a refused one fails the run as an awaited
   * save would.
   */
  private saveLater(stepId: string): (saving: Promise<void>) => void {
    return (saving) => {
      this.savesInFlight++;
      saving
        .catch((error: unknown) => {
          if (!this.ledger.isStopping)
            this.ledger.fail(toRunError(storeFailure(stepId, error), stepId));
        })
        .finally(() => {
          this.savesInFlight--;
          this.pump();
        });
    };
  }

  /**
   * Runs a step through storing its result; its dependants may start after that. A failure fails
   * the run (unless the run is already stopping).
   */
  private async runStep(
    state: StepState,
    produce: () => Outcome | Promise<Outcome>,
    isPure: boolean,
  ): Promise<void> {
    state.status = "running";
    this.active++;
    this.slots.take();
    let outcome: Outcome;
    try {
      outcome = await produce();
      const stepId = state.step.id;
      await storeUnit(
        this.host,
        stepId,
        undefined,
        outcome,
        isPure ? this.saveLater(stepId) : undefined,
      );
    } catch (error) {
      this.failStep(state, error);
      return;
    }
    this.finish(state, outcome.output, outcome.port);
    this.active--;
    this.slots.release();
  }

  private finish(state: StepState, output: unknown, port: string): void {
    state.status = "done";
    state.output = output;
    state.port = port;
    this.settle(state);
  }

  private skip(state: StepState): void {
    state.status = "skipped";
    this.ledger.emit({
      type: "step.skipped",
      runId: this.ledger.runId,
      at: this.ledger.clock.now(),
      stepId: state.step.id,
      reason: "No incoming branch ran",
    });
    this.settle(state);
  }

  private failStep(state: StepState, error: unknown): void {
    state.status = "failed";
    const failure = toFailure(this.ledger, error, state.step.id);
    this.ledger.add(failure.tally);
    const reason = reportFailure(this.ledger, failure);
    if (!this.ledger.isStopping) this.ledger.fail(toRunError(reason, failure.unitId));
    this.active--;
    this.slots.release();
  }

  private unitFor(
    step: PlanStep,
    value: unknown,
    liveInputs: readonly unknown[],
    approval?: ApprovalDecision,
  ): Unit {
    const isPure = !isCallingStep(step.kind, step.config);
    const unit: Unit = {
      id: step.id,
      kind: step.kind,
      retry: step.retry,
      timeoutMs: step.timeoutMs,
      value,
      liveInputs,
      isPure,
      execute: isPure
        ? (scope) => executePureStep(step, scope)
        : (scope) => executeCallingStep(step, scope),
    };
    if (approval) unit.approval = approval;
    return unit;
  }

  /** Runs the step; when it fails for good and names a fallback, the fallback's output stands in. */
  private async runWithFallback(step: PlanStep, unit: Unit): Promise<Outcome> {
    try {
      return await runUnit(this.host, unit);
    } catch (error) {
      if (!(error instanceof UnitFailure) || step.fallback === null || this.ledger.isStopping)
        throw error;
      return this.runFallback(step, unit.value, error);
    }
  }

  private async runFallback(
    step: PlanStep,
    value: unknown,
    failure: UnitFailure,
  ): Promise<Outcome> {
    const fallback = this.stateOf(step.fallback as string);
    reportFailure(this.ledger, failure, fallback.step.id);
    try {
      let output: unknown;
      const stored = this.records.get(fallback.step.id);
      if (stored) output = stored.output;
      else {
        const outcome = await runUnit(this.host, this.unitFor(fallback.step, value, NO_INPUTS));
        await storeUnit(this.host, fallback.step.id, undefined, outcome);
        output = outcome.output;
      }
      fallback.status = "done";
      fallback.output = output;
      fallback.port = "out";
      const { attempts, startedAt, tally } = failure;
      return {
        output,
        port: pickDefaultPort(step),
        attempts,
        startedAt,
        tally,
        pinned: false,
        fallbackStepId: fallback.step.id,
      };
    } catch (error) {
      this.ledger.add(failure.tally);
      throw error;
    }
  }

  // ---- waiting for a person -----------------------------------------------------------------

  private waitForApproval(state: StepState, value: unknown): void {
    const step = state.step as Extract<PlanStep, { kind: "human-approval" }>;
    state.status = "waiting";
    const unit = this.unitFor(step, value, NO_INPUTS);
    let message = step.config.message;
    try {
      message = this.host.scopeFor(unit, undefined, createTally()).renderText(message);
    } catch {
      // The raw template still tells the approver what the step is about.
    }
    this.waiting.push({
      stepId: step.id,
      message,
      approvers: step.config.approvers,
      reason: "approval",
    });
  }

  /** An interrupted step that is not safe to repeat: its call may have gone out, so a person decides. */
  private waitForPerson(state: StepState): void {
    state.status = "waiting";
    this.waiting.push(interruptedRequest(state.step));
  }

  // ---- the end ------------------------------------------------------------------------------

  private finishIfIdle(): void {
    const { ledger } = this;
    if (ledger.isFinished || this.active > 0 || this.savesInFlight > 0) return;
    if (!ledger.isStopping && (this.ready.length > 0 || this.slots.hasWaiters)) return;
    this.detachSignal?.();
    const base = { runId: ledger.runId, at: ledger.clock.now(), ...ledger.totals() };
    if (ledger.cancelReason !== undefined)
      ledger.emit({ type: "run.cancelled", ...base, reason: ledger.cancelReason });
    else if (ledger.failure) ledger.emit({ type: "run.failed", ...base, error: ledger.failure });
    else if (this.waiting.length > 0)
      ledger.emit({ type: "run.waiting", ...base, waitingFor: this.waiting });
    else ledger.emit({ type: "run.completed", ...base, output: this.collectOutputs() });
    ledger.end();
  }

  private collectOutputs(): Record<string, unknown> {
    const output: Record<string, unknown> = {};
    for (const { step, name } of this.plan.outputs) {
      const state = this.stateOf(step);
      if (state.status === "done") output[name] = state.output;
    }
    return output;
  }

  private readStep(stepId: string): unknown {
    const state = this.states.get(stepId);
    if (state?.status === "done") return state.output;
    const why = !state
      ? `there is no step "${stepId}"`
      : state.status === "skipped"
        ? `step "${stepId}" was skipped (its branch did not run)`
        : `step "${stepId}" has not finished`;
    throw new StepError("BINDING_MISSING", why, false);
  }
}
