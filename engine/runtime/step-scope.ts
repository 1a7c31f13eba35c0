import type { TokenUsage } from "../schema/run-events";
import type { Attempt } from "./attempt";
import type { BindingSources } from "./bindings";
import type { LlmRequest, LlmResponse, McpToolInfo, ToolCall, ToolProgress } from "./ports";
import type { Unit } from "./run-unit";
import type { ScopeHost } from "./scope-host";
import { StepError } from "./step-error";

export type StepResult = { output: unknown; port?: string };
/** What a step spent; `unpricedTokens` were spent on models without a known price (their cost is unknown). */
export type UsageTally = { usage: TokenUsage; costUsd: number; unpricedTokens: number };
export type ApprovalDecision = { approved: boolean; comment?: string; decidedBy?: string };
export type SubstepTask = { title: string; execute: (scope: StepScope) => Promise<StepResult> };

/**
 * A tool call's options. The signal is read from the scope only when the port asks for it: most
 * of a trivial step's cost was the AbortController otherwise made for every call (ARCHITECTURE.md,
 * "Runtime costs").
 */
class ToolCallOptions {
  readonly onProgress: (progress: ToolProgress) => void;
  readonly stepId: string;

  constructor(private readonly scope: StepScope) {
    this.onProgress = (progress) => scope.reportProgress(progress);
    this.stepId = scope.stepId;
  }

  get signal(): AbortSignal {
    return this.scope.signal;
  }
}

/**
 * One attempt of one step: its incoming value, abort signal and usage tally, plus the only
 * doors to the LLM and tools (which add up tokens and cost, stream deltas, and enforce dry runs).
 */
export class StepScope implements BindingSources {
  readonly stepId: string;
  readonly parentStepId: string | undefined;
  readonly value: unknown;
  readonly liveInputs: readonly unknown[];
  readonly approval: ApprovalDecision | undefined;

  constructor(
    private readonly host: ScopeHost,
    /** The unit this attempt belongs to; its child steps inherit its retry policy and timeout. */
    readonly unit: Unit,
    /** Absent for pure units, which follow the run's signal. */
    readonly attempt: Attempt | undefined,
    readonly tally: UsageTally,
  ) {
    this.stepId = unit.id;
    this.parentStepId = unit.parentStepId;
    this.value = unit.value;
    this.liveInputs = unit.liveInputs;
    this.approval = unit.approval;
  }

  /** Aborted when the step is cancelled or times out. Pass it to every port call. */
  get signal(): AbortSignal {
    return this.attempt ? this.attempt.signal : this.host.ledger.signal;
  }

  get input(): unknown {
    return this.host.input;
  }

  readStep(stepId: string): unknown {
    return this.host.readStep(stepId);
  }

  render(template: unknown): unknown {
    return this.host.renderer.render(template, this);
  }

  renderText(template: string | null): string {
    return this.host.renderer.renderText(template, this);
  }

  test(rule: string): boolean {
    return this.host.renderer.test(rule, this);
  }

  private assertCanCall(what: string): void {
    if (this.host.isDryRun) {
      throw new StepError(
        "DRY_RUN_UNPINNED",
        `Dry run: pin an output for step "${this.stepId}" instead of calling ${what}`,
        false,
      );
    }
  }

  async generate(
    request: Omit<LlmRequest, "signal" | "onDelta">,
    options: { stream?: boolean } = {},
  ): Promise<LlmResponse> {
    this.assertCanCall("an LLM");
    const llm = this.host.ports.llm;
    if (!llm) {
      throw new StepError(
        "LLM_NOT_CONFIGURED",
        "No LLM provider is configured. Add one in settings, or pin this step's output to dry-run the workflow",
        false,
      );
    }
    const stream = options.stream ?? request.outputSchema === undefined;
    const response = await llm.generate({
      ...request,
      signal: this.signal,
      ...(stream ? { onDelta: (delta: string) => this.host.reportDelta(this, delta) } : {}),
    });
    this.tally.usage = {
      inputTokens: this.tally.usage.inputTokens + response.usage.inputTokens,
      outputTokens: this.tally.usage.outputTokens + response.usage.outputTokens,
    };
    if (response.costUsd === undefined)
      this.tally.unpricedTokens += response.usage.inputTokens + response.usage.outputTokens;
    else this.tally.costUsd += response.costUsd;
    return response;
  }

  private requireTools() {
    this.assertCanCall("a tool");
    const tools = this.host.ports.tools;
    if (!tools)
      throw new StepError("TOOLS_NOT_CONFIGURED", "No MCP tool runner is configured", false);
    return tools;
  }

  callTool(call: ToolCall): Promise<unknown> {
    return this.requireTools().callTool(call, new ToolCallOptions(this));
  }

  listTools(server: string): Promise<McpToolInfo[]> {
    this.requireTools();
    return this.host.listTools(server, this.signal);
  }

  progress(message: string): void {
    this.host.reportProgress(this, { message });
  }

  /** Reports a port's progress as a step.progress event. */
  reportProgress(progress: ToolProgress): void {
    this.host.reportProgress(this, progress);
  }

  /** Runs a child step inline (in this step's concurrency slot), stored and resumable on its own. */
  runSubstep(key: string, kind: string, task: SubstepTask): Promise<unknown> {
    return this.host.runSubstep(this, key, kind, task);
  }

  /** Runs child steps side by side, each in its own concurrency slot. */
  runWorkers(tasks: SubstepTask[]): Promise<unknown[]> {
    return this.host.runWorkers(this, tasks);
  }
}
