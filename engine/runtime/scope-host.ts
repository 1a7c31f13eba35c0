import type { JsonSchema } from "../schema/json-schema";
import type { RunEvent } from "../schema/run-events";
import type { Attempt } from "./attempt";
import { BindingRenderer } from "./bindings";
import type { McpToolInfo, RunPorts, RunStore, StepRecord, ToolProgress } from "./ports";
import type { RunLedger } from "./run-ledger";
import { reportFailure, runUnit, storeUnit, toFailure, type Unit, type UnitRun } from "./run-unit";
import type { SlotPool } from "./slot-pool";
import { StepError } from "./step-error";
import { StepScope, type SubstepTask, type UsageTally } from "./step-scope";

const NO_INPUTS: readonly unknown[] = [];

export type ScopeHostParts = {
  ledger: RunLedger;
  ports: RunPorts;
  input: unknown;
  inputSchema: JsonSchema | null;
  isDryRun: boolean;
  /** Stored results by step id: loaded at start, plus child steps finished during this call. */
  records: Map<string, StepRecord>;
  slots: SlotPool;
  /** A finished plan step's output; throws BINDING_MISSING when there is none. */
  readStep: (stepId: string) => unknown;
};

/**
 * What a running step may ask of its run besides its own value: the run input and finished steps
 * (for bindings), the ports (tool lists fetched once per server), progress and streamed text, and
 * child steps spawned at run time (an orchestrator's planner and workers) with the concurrency
 * slots they need. A child is stored and reported like a step (`<parent>/<key>`, with
 * parentStepId), so a retried or resumed parent reuses finished children.
 */
export class ScopeHost implements UnitRun {
  readonly ledger: RunLedger;
  readonly ports: RunPorts;
  readonly store: RunStore;
  readonly input: unknown;
  readonly isDryRun: boolean;
  readonly renderer: BindingRenderer;
  readonly readStep: (stepId: string) => unknown;
  private readonly records: Map<string, StepRecord>;
  private readonly slots: SlotPool;
  private readonly toolLists = new Map<string, Promise<McpToolInfo[]>>();

  constructor(parts: ScopeHostParts) {
    this.ledger = parts.ledger;
    this.ports = parts.ports;
    this.store = parts.ports.store;
    this.input = parts.input;
    this.isDryRun = parts.isDryRun;
    this.renderer = new BindingRenderer(parts.inputSchema);
    this.readStep = parts.readStep;
    this.records = parts.records;
    this.slots = parts.slots;
  }

  scopeFor(unit: Unit, attempt: Attempt | undefined, tally: UsageTally): StepScope {
    return new StepScope(this, unit, attempt, tally);
  }

  async runSubstep(
    parent: StepScope,
    key: string,
    kind: string,
    task: SubstepTask,
  ): Promise<unknown> {
    const id = `${parent.stepId}/${key}`;
    const stored = this.records.get(id);
    if (stored) return stored.output;
    const unit: Unit = {
      id,
      parentStepId: parent.stepId,
      kind,
      retry: parent.unit.retry,
      timeoutMs: parent.unit.timeoutMs,
      value: parent.value,
      liveInputs: NO_INPUTS,
      isPure: false,
      execute: task.execute,
    };
    if (parent.attempt) unit.parent = parent.attempt;
    try {
      const outcome = await runUnit(this, unit);
      this.records.set(id, await storeUnit(this, id, parent.stepId, outcome));
      return outcome.output;
    } catch (error) {
      const failure = toFailure(this.ledger, error, id, parent.stepId);
      this.ledger.add(failure.tally);
      const reason = reportFailure(this.ledger, failure);
      throw new StepError(reason.code, `${task.title}: ${reason.message}`, reason.retryable);
    }
  }

  async runWorkers(parent: StepScope, tasks: SubstepTask[]): Promise<unknown[]> {
    const runs = tasks.map((task, k) => this.runWorker(parent, task, `worker-${k + 1}`));
    // The parent gives up its slot while it waits, so workers can run even at concurrency 1.
    this.slots.release();
    const settled = await Promise.allSettled(runs);
    await this.slots.wait();
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }

  private async runWorker(parent: StepScope, task: SubstepTask, key: string): Promise<unknown> {
    const stored = this.records.get(`${parent.stepId}/${key}`);
    if (stored) return stored.output;
    await this.slots.wait();
    try {
      if (this.ledger.isStopping || parent.attempt?.aborted) {
        throw new StepError("ABORTED", "The parent step stopped", false);
      }
      return await this.runSubstep(parent, key, "agent", task);
    } finally {
      this.slots.release();
    }
  }

  listTools(server: string, signal: AbortSignal): Promise<McpToolInfo[]> {
    let listed = this.toolLists.get(server);
    if (!listed) {
      const tools = this.ports.tools;
      if (!tools) {
        return Promise.reject(
          new StepError("TOOLS_NOT_CONFIGURED", "No MCP tool runner is configured", false),
        );
      }
      listed = tools.listTools(server, signal);
      listed.catch(() => this.toolLists.delete(server));
      this.toolLists.set(server, listed);
    }
    return listed;
  }

  reportProgress(scope: StepScope, progress: ToolProgress): void {
    const event: RunEvent = {
      type: "step.progress",
      runId: this.ledger.runId,
      at: this.ledger.clock.now(),
      stepId: scope.stepId,
    };
    if (scope.parentStepId !== undefined) event.parentStepId = scope.parentStepId;
    // Only the known fields: an adapter may pass its transport's progress object through as is.
    if (typeof progress.message === "string") event.message = progress.message;
    if (typeof progress.progress === "number") event.progress = progress.progress;
    if (typeof progress.total === "number") event.total = progress.total;
    this.ledger.emit(event);
  }

  reportDelta(scope: StepScope, delta: string): void {
    const event: RunEvent = {
      type: "step.output.delta",
      runId: this.ledger.runId,
      at: this.ledger.clock.now(),
      stepId: scope.stepId,
      delta,
    };
    if (scope.parentStepId !== undefined) event.parentStepId = scope.parentStepId;
    this.ledger.emit(event);
  }
}
