import { DEFAULT_BRANCH } from "../schema/node-ports";
import { isCallingStep, type PlanStep } from "../schema/plan";
import { BindingRenderer } from "./bindings";
import type { StepRecord } from "./ports";
import { StepServices } from "./step-services";
import type { PinnedOutput } from "./run-options";
import {
  createTally,
  UnitFailure,
  type Outcome,
  type SignalSource,
  type Unit,
} from "./unit-runner";
import { StepError, toRunError } from "./step-error";
import { StepScope, type ApprovalDecision, type ScopeHost, type UsageTally } from "./step-scope";

const RUNNING = 1;
const DONE = 2;
const SKIPPED = 3;
const WAITING = 4;
const FAILED = 5;
const NO_INPUTS: readonly unknown[] = [];

function describeReason(reason: unknown): string | undefined {
  if (typeof reason === "string") return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return undefined;
}

/** Which port a pinned or fallback output leaves by when the step itself would have chosen one. */
function pickDefaultPort(step: PlanStep, pinned?: PinnedOutput): string {
  if (pinned?.port) return pinned.port;
  if (step.kind === "router") return DEFAULT_BRANCH;
  if (step.kind === "condition") return pinned ? "true" : "false";
  if (step.kind === "human-approval") return "approved";
  return "out";
}

/**
 * Executes one plan: a ready queue fed by in-degree counts (no scans), at most `plan.concurrency`
 * units in flight, pure steps run inline. Each step is stored before its dependants start, and a
 * step found in the RunStore is restored instead of run.
 */
export class PlanRun extends StepServices implements ScopeHost {
  readonly renderer = new BindingRenderer(this.plan.inputSchema);
  readonly isDryRun: boolean;
  private readonly steps: PlanStep[];
  private readonly indexOf = new Map<string, number>();
  private readonly sources: number[][];
  private readonly dependants: number[][];
  private readonly remaining: Int32Array;
  private readonly state: Uint8Array;
  private readonly outputs: unknown[];
  private readonly chosenPorts: string[];
  /** 1 for steps that call no port, computed once rather than per run of the step. */
  private readonly isPure: Uint8Array;
  private readonly waiting: Array<{
    stepId: string;
    message: string;
    approvers: string[];
    reason: "approval" | "interrupted";
  }> = [];
  private readonly interrupted: ReadonlySet<string>;
  private ready: number[] = [];
  private readyHead = 0;
  private active = 0;
  private detachSignal: (() => void) | undefined;

  constructor(...args: ConstructorParameters<typeof StepServices>) {
    super(...args);
    this.isDryRun = this.options.dryRun ?? false;
    this.steps = this.plan.steps;
    const n = this.steps.length;
    this.steps.forEach((step, i) => this.indexOf.set(step.id, i));
    this.sources = new Array<number[]>(n);
    this.dependants = Array.from({ length: n }, () => []);
    this.remaining = new Int32Array(n);
    this.state = new Uint8Array(n);
    this.outputs = new Array<unknown>(n);
    this.chosenPorts = new Array<string>(n);
    this.isPure = new Uint8Array(n);
    this.interrupted = new Set(this.options.interruptedSteps ?? []);
  }

  /** Loads stored results, announces the run, and starts scheduling. Events follow through takeEvent. */
  async start(): Promise<void> {
    try {
      for (const record of await this.ports.store.loadStepRecords(this.ledger.runId)) {
        this.records.set(record.stepId, record);
        this.ledger.add({
          usage: record.usage,
          costUsd: record.costUsd,
          unpricedTokens: record.unpricedTokens ?? 0,
        });
      }
    } catch (error) {
      this.ledger.emit({
        type: "run.failed",
        runId: this.ledger.runId,
        at: this.ledger.clock.now(),
        ...this.ledger.totals(),
        error: {
          code: "STORE_FAILED",
          message: `Could not load the run's stored steps: ${String(error)}`,
        },
      });
      this.endRun();
      return;
    }
    this.ledger.emit({
      type: "run.started",
      runId: this.ledger.runId,
      at: this.ledger.startedAt,
      stepCount: this.steps.length,
      resumed: this.records.size > 0,
      restoredSteps: this.records.size,
    });
    this.indexSteps();
    const signal = this.options.signal;
    if (signal) {
      const onAbort = () => this.ledger.cancel(describeReason(signal.reason));
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

  private indexSteps(): void {
    this.steps.forEach((step, i) => {
      this.sources[i] = step.inputs.map((link) => this.indexOf.get(link.step) as number);
      this.isPure[i] = isCallingStep(step.kind, step.config) ? 0 : 1;
      if (step.isFallback) return;
      this.remaining[i] = step.dependsOn.length;
      for (const dep of step.dependsOn)
        (this.dependants[this.indexOf.get(dep) as number] as number[]).push(i);
      if (step.dependsOn.length === 0) this.ready.push(i);
    });
  }

  // ---- scheduling ---------------------------------------------------------------------------

  protected pump(): void {
    this.grantWaitingSlots();
    const limit = this.plan.concurrency;
    while (!this.ledger.isStopping && this.inFlight < limit && this.readyHead < this.ready.length) {
      this.startStep(this.ready[this.readyHead++] as number);
    }
    if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    this.finishIfIdle();
  }

  private release(i: number): void {
    for (const d of this.dependants[i] as number[]) {
      const left = (this.remaining[d] as number) - 1;
      this.remaining[d] = left;
      if (left === 0) this.ready.push(d);
    }
  }

  private startStep(i: number): void {
    const step = this.steps[i] as PlanStep;
    const sources = this.sources[i] as number[];
    let value = this.input;
    let live = NO_INPUTS;
    if (sources.length > 0) {
      let isLive = false;
      const collected: unknown[] | undefined = step.kind === "join" ? [] : undefined;
      for (let k = 0; k < sources.length; k++) {
        const j = sources[k] as number;
        if (
          this.state[j] !== DONE ||
          this.chosenPorts[j] !== (step.inputs[k] as { port: string }).port
        )
          continue;
        if (!isLive) value = this.outputs[j];
        isLive = true;
        if (!collected) break;
        collected.push(this.outputs[j]);
      }
      if (!isLive) return this.skip(i);
      if (collected) live = collected;
    }
    const record = this.records.get(step.id);
    if (record) return this.restore(i, record);
    const pinned = this.options.pinnedOutputs?.[step.id];
    if (step.notSafeToRepeat && !pinned && this.interrupted.has(step.id)) {
      const decision = this.options.interruptionDecisions?.[step.id];
      if (!decision) return this.waitForPerson(i);
      if (decision === "skip") return this.skipInterrupted(i);
      if (decision === "fail") return this.failInterrupted(i);
    }
    let approval: ApprovalDecision | undefined;
    if (step.kind === "human-approval" && !pinned) {
      approval = this.options.approvals?.[step.id];
      if (!approval) return this.waitForApproval(i, value);
    }
    this.state[i] = RUNNING;
    this.active++;
    this.inFlight++;
    void this.runStep(i, value, live, pinned, approval);
  }

  private skip(i: number): void {
    this.state[i] = SKIPPED;
    const stepId = (this.steps[i] as PlanStep).id;
    this.ledger.emit({
      type: "step.skipped",
      runId: this.ledger.runId,
      at: this.ledger.clock.now(),
      stepId,
      reason: "No incoming branch ran",
    });
    this.release(i);
  }

  private restore(i: number, record: StepRecord): void {
    this.state[i] = DONE;
    this.outputs[i] = record.output;
    this.chosenPorts[i] = record.port;
    this.release(i);
  }

  private waitForApproval(i: number, value: unknown): void {
    const step = this.steps[i] as Extract<PlanStep, { kind: "human-approval" }>;
    this.state[i] = WAITING;
    const scope = new StepScope(
      this,
      step.id,
      undefined,
      value,
      NO_INPUTS,
      this.runSignals,
      createTally(),
    );
    let message = step.config.message;
    try {
      message = scope.renderText(message);
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
  private waitForPerson(i: number): void {
    const step = this.steps[i] as PlanStep;
    this.state[i] = WAITING;
    const name = step.label ?? step.id;
    const message =
      `"${name}" was interrupted when its worker stopped, and it is marked not safe to repeat: its call may already have been made. ` +
      "Retry it (the call is sent again), skip it (the run goes on without its output) or fail the run.";
    this.waiting.push({ stepId: step.id, message, approvers: [], reason: "interrupted" });
  }

  /** A person chose to skip an interrupted step: it counts as done with no output, and nothing is sent. */
  private skipInterrupted(i: number): void {
    this.state[i] = RUNNING;
    this.active++;
    this.inFlight++;
    const at = this.ledger.clock.now();
    this.storeStep(i, {
      output: null,
      port: pickDefaultPort(this.steps[i] as PlanStep),
      attempts: 0,
      startedAt: at,
      tally: createTally(),
      pinned: false,
    });
  }

  /** A person chose to fail the run at an interrupted step. */
  private failInterrupted(i: number): void {
    this.state[i] = RUNNING;
    this.active++;
    this.inFlight++;
    this.failStep(
      i,
      new StepError(
        "STEP_INTERRUPTED",
        "The step was interrupted when its worker stopped, and a person chose to fail the run",
        false,
      ),
    );
  }

  private unitFor(
    i: number,
    value: unknown,
    live: readonly unknown[],
    approval?: ApprovalDecision,
  ): Unit {
    const step = this.steps[i] as PlanStep;
    const unit: Unit = {
      id: step.id,
      kind: step.kind,
      retry: step.retry,
      timeoutMs: step.timeoutMs,
      isSync: this.isPure[i] === 1,
      value,
      liveInputs: live,
      step,
    };
    if (approval) unit.approval = approval;
    return unit;
  }

  /**
   * Runs a step through storing its result, as plain promise callbacks rather than one async
   * function: on a 10,000-step plan the async frames were most of the garbage.
   */
  private runStep(
    i: number,
    value: unknown,
    live: readonly unknown[],
    pinned?: PinnedOutput,
    approval?: ApprovalDecision,
  ): void {
    const step = this.steps[i] as PlanStep;
    let running: Outcome | Promise<Outcome>;
    try {
      running = pinned
        ? this.pinnedOutcome(step, pinned)
        : this.runUnit(this.unitFor(i, value, live, approval));
    } catch (error) {
      running = Promise.reject(error);
    }
    if (!(running instanceof Promise)) return this.storeStep(i, running);
    running.then(
      (outcome) => this.storeStep(i, outcome),
      (error: unknown) => {
        if (!(error instanceof UnitFailure) || step.fallback === null || this.ledger.isStopping)
          return this.failStep(i, error);
        this.runFallback(step, value, error).then(
          (outcome) => this.storeStep(i, outcome),
          (fallbackError: unknown) => this.failStep(i, fallbackError),
        );
      },
    );
  }

  private pinnedOutcome(step: PlanStep, pinned: PinnedOutput): Outcome {
    const at = this.ledger.clock.now();
    this.ledger.emit({
      type: "step.started",
      runId: this.ledger.runId,
      at,
      stepId: step.id,
      kind: step.kind,
      attempt: 1,
    });
    return {
      output: pinned.output,
      port: pickDefaultPort(step, pinned),
      attempts: 1,
      startedAt: at,
      tally: createTally(),
      pinned: true,
    };
  }

  private storeStep(i: number, outcome: Outcome): void {
    this.complete((this.steps[i] as PlanStep).id, undefined, outcome).then(
      () => {
        this.state[i] = DONE;
        this.outputs[i] = outcome.output;
        this.chosenPorts[i] = outcome.port;
        this.release(i);
        this.endStep();
      },
      (error: unknown) => this.failStep(i, error),
    );
  }

  private failStep(i: number, error: unknown): void {
    this.state[i] = FAILED;
    const failure = this.toFailure(error, (this.steps[i] as PlanStep).id);
    this.ledger.add(failure.tally);
    const reason = this.reportFailure(failure);
    if (!this.ledger.isStopping) this.ledger.fail(toRunError(reason, failure.unitId));
    this.endStep();
  }

  private endStep(): void {
    this.active--;
    this.inFlight--;
    this.pump();
  }

  private async runFallback(
    step: PlanStep,
    value: unknown,
    failure: UnitFailure,
  ): Promise<Outcome> {
    const f = this.indexOf.get(step.fallback as string) as number;
    const fallback = this.steps[f] as PlanStep;
    this.reportFailure(failure, fallback.id);
    try {
      let output: unknown;
      const stored = this.records.get(fallback.id);
      if (stored) output = stored.output;
      else {
        const outcome = await this.runUnit(this.unitFor(f, value, NO_INPUTS));
        await this.complete(fallback.id, undefined, outcome);
        output = outcome.output;
      }
      this.state[f] = DONE;
      this.outputs[f] = output;
      this.chosenPorts[f] = "out";
      const { attempts, startedAt, tally } = failure;
      return {
        output,
        port: pickDefaultPort(step),
        attempts,
        startedAt,
        tally,
        pinned: false,
        fallbackStepId: fallback.id,
      };
    } catch (error) {
      this.ledger.add(failure.tally);
      throw error;
    }
  }

  protected onStopped(): void {
    this.pump();
  }

  private finishIfIdle(): void {
    if (this.ledger.isFinished || this.active > 0) return;
    if (!this.ledger.isStopping && (this.readyHead < this.ready.length || this.hasSlotWaiters))
      return;
    this.detachSignal?.();
    const base = { runId: this.ledger.runId, at: this.ledger.clock.now(), ...this.ledger.totals() };
    if (this.ledger.cancelReason !== undefined)
      this.ledger.emit({ type: "run.cancelled", ...base, reason: this.ledger.cancelReason });
    else if (this.ledger.failure)
      this.ledger.emit({ type: "run.failed", ...base, error: this.ledger.failure });
    else if (this.waiting.length > 0)
      this.ledger.emit({ type: "run.waiting", ...base, waitingFor: this.waiting });
    else this.ledger.emit({ type: "run.completed", ...base, output: this.collectOutputs() });
    this.endRun();
  }

  private collectOutputs(): Record<string, unknown> {
    const output: Record<string, unknown> = {};
    for (const { step, name } of this.plan.outputs) {
      const i = this.indexOf.get(step) as number;
      if (this.state[i] === DONE) output[name] = this.outputs[i];
    }
    return output;
  }

  // ---- what steps may ask for (ScopeHost) ---------------------------------------------------

  protected scopeFor(unit: Unit, signals: SignalSource, tally: UsageTally): StepScope {
    return new StepScope(
      this,
      unit.id,
      unit.parentStepId,
      unit.value,
      unit.liveInputs,
      signals,
      tally,
      unit.approval,
    );
  }

  readStep(stepId: string): unknown {
    const i = this.indexOf.get(stepId);
    const state = i === undefined ? undefined : this.state[i];
    if (i !== undefined && state === DONE) return this.outputs[i];
    const why =
      i === undefined
        ? `there is no step "${stepId}"`
        : state === SKIPPED
          ? `step "${stepId}" was skipped (its branch did not run)`
          : `step "${stepId}" has not finished`;
    throw new StepError("BINDING_MISSING", why, false);
  }

  protected stepById(stepId: string): PlanStep {
    return this.steps[this.indexOf.get(stepId) as number] as PlanStep;
  }
}
