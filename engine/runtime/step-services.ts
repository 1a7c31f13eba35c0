import type { PlanStep } from "../schema/plan";
import { Attempt } from "./attempt";
import type { RunEvent } from "../schema/run-events";
import type { McpToolInfo, ToolProgress } from "./ports";
import { UnitRunner, type Unit } from "./unit-runner";
import { StepError } from "./step-error";
import type { StepScope, SubstepTask } from "./step-scope";

const NO_INPUTS: readonly unknown[] = [];

/**
 * What a running step may ask of its run besides bindings: tool lists (fetched once per server),
 * progress and streamed text, and child steps spawned at run time (an orchestrator's planner and
 * workers) with the concurrency slots they need. A child is stored and reported like a step
 * (`<parent>/<key>`, with parentStepId), so a retried or resumed parent reuses finished children.
 */
export abstract class StepServices extends UnitRunner {
  protected inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private readonly toolLists = new Map<string, Promise<McpToolInfo[]>>();
  private waiterHead = 0;

  protected abstract stepById(stepId: string): PlanStep;
  /** Starts ready work while slots are free; must call `grantWaitingSlots` first. */
  protected abstract pump(): void;

  protected get hasSlotWaiters(): boolean {
    return this.waiterHead < this.slotWaiters.length;
  }

  /** Gives free slots to waiting children first: their parents already hold work in progress. */
  protected grantWaitingSlots(): void {
    while (
      this.waiterHead < this.slotWaiters.length &&
      (this.ledger.isStopping || this.inFlight < this.plan.concurrency)
    ) {
      this.inFlight++;
      (this.slotWaiters[this.waiterHead++] as () => void)();
    }
    if (this.waiterHead === this.slotWaiters.length && this.waiterHead > 0) {
      this.slotWaiters = [];
      this.waiterHead = 0;
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.ledger.isStopping || (this.inFlight < this.plan.concurrency && !this.hasSlotWaiters)) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    this.inFlight--;
    this.pump();
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
    const step = this.stepById(parent.stepId);
    const unit: Unit = {
      id,
      parentStepId: parent.stepId,
      kind,
      retry: step.retry,
      timeoutMs: step.timeoutMs,
      isSync: false,
      value: parent.value,
      liveInputs: NO_INPUTS,
      execute: task.execute,
    };
    if (parent.signalSource instanceof Attempt) unit.parent = parent.signalSource;
    try {
      const outcome = await this.runUnit(unit);
      await this.complete(id, parent.stepId, outcome);
      return outcome.output;
    } catch (error) {
      const failure = this.toFailure(error, id, parent.stepId);
      this.ledger.add(failure.tally);
      const reason = this.reportFailure(failure);
      throw new StepError(reason.code, `${task.title}: ${reason.message}`, reason.retryable);
    }
  }

  async runWorkers(parent: StepScope, tasks: SubstepTask[]): Promise<unknown[]> {
    const runs = tasks.map((task, k) => this.runWorker(parent, task, `worker-${k + 1}`));
    // The parent gives up its slot while it waits, so workers can run even at concurrency 1.
    this.releaseSlot();
    const settled = await Promise.allSettled(runs);
    await this.acquireSlot();
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }

  private async runWorker(parent: StepScope, task: SubstepTask, key: string): Promise<unknown> {
    const stored = this.records.get(`${parent.stepId}/${key}`);
    if (stored) return stored.output;
    await this.acquireSlot();
    try {
      if (
        this.ledger.isStopping ||
        (parent.signalSource instanceof Attempt && parent.signalSource.aborted)
      ) {
        throw new StepError("ABORTED", "The parent step stopped", false);
      }
      return await this.runSubstep(parent, key, "agent", task);
    } finally {
      this.releaseSlot();
    }
  }

  listTools(server: string, signal: AbortSignal): Promise<McpToolInfo[]> {
    let listed = this.toolLists.get(server);
    if (!listed) {
      const tools = this.ports.tools;
      if (!tools)
        return Promise.reject(
          new StepError("TOOLS_NOT_CONFIGURED", "No MCP tool runner is configured", false),
        );
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
    this.ledger.emit({
      type: "step.output.delta",
      runId: this.ledger.runId,
      at: this.ledger.clock.now(),
      stepId: scope.stepId,
      ...(scope.parentStepId ? { parentStepId: scope.parentStepId } : {}),
      delta,
    });
  }
}
