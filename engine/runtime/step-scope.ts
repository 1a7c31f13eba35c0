import type { TokenUsage } from "../schema/run-events";
import type { BindingRenderer, BindingSources } from "./bindings";
import type {
  LlmRequest,
  LlmResponse,
  McpToolInfo,
  RunPorts,
  ToolCall,
  ToolProgress,
} from "./ports";
import { StepError } from "./step-error";

export type StepResult = { output: unknown; port?: string };
/** What a step spent; `unpricedTokens` were spent on models without a known price (their cost is unknown). */
export type UsageTally = { usage: TokenUsage; costUsd: number; unpricedTokens: number };
export type ApprovalDecision = { approved: boolean; comment?: string; decidedBy?: string };
export type SubstepTask = { title: string; execute: (scope: StepScope) => Promise<StepResult> };

/**
 * Options for a tool call, as a class rather than an object literal with a getter (those are slow
 * to create). The signal is made on first read, so a port that never looks at it costs no
 * AbortController.
 */
class ToolCallOptions {
  readonly onProgress: (progress: ToolProgress) => void;

  constructor(
    private readonly scope: StepScope,
    host: ScopeHost,
  ) {
    this.onProgress = reportProgressFor(host, scope);
  }

  get signal(): AbortSignal {
    return this.scope.signal;
  }
}

// The callbacks come from helpers because tsx/esbuild's keep-names renames an arrow written in an
// object literal on every call, which showed up in the benchmark.
function reportProgressFor(host: ScopeHost, scope: StepScope) {
  return (progress: ToolProgress) => host.reportProgress(scope, progress);
}

function reportDeltaFor(host: ScopeHost, scope: StepScope) {
  return (delta: string) => host.reportDelta(scope, delta);
}

/** What the scheduler lends a step while it runs. */
export interface ScopeHost {
  readonly input: unknown;
  readonly ports: RunPorts;
  readonly renderer: BindingRenderer;
  readonly isDryRun: boolean;
  readStep(stepId: string): unknown;
  listTools(server: string, signal: AbortSignal): Promise<McpToolInfo[]>;
  reportProgress(scope: StepScope, progress: ToolProgress): void;
  reportDelta(scope: StepScope, delta: string): void;
  /** Runs a child step inline (in the parent's concurrency slot), stored and resumable on its own. */
  runSubstep(parent: StepScope, key: string, kind: string, task: SubstepTask): Promise<unknown>;
  /** Runs child steps side by side, each in its own concurrency slot. */
  runWorkers(parent: StepScope, tasks: SubstepTask[]): Promise<unknown[]>;
}

/**
 * One attempt of one step: its incoming value, abort signal and usage tally, plus the only
 * doors to the LLM and tools (which add up tokens and cost, stream deltas, and enforce dry runs).
 */
export class StepScope implements BindingSources {
  constructor(
    private readonly host: ScopeHost,
    readonly stepId: string,
    readonly parentStepId: string | undefined,
    readonly value: unknown,
    readonly liveInputs: readonly unknown[],
    private readonly signals: { readonly signal: AbortSignal },
    readonly tally: UsageTally,
    readonly approval?: ApprovalDecision,
  ) {}

  /** Aborted when the step is cancelled or times out. Pass it to every port call. */
  get signal(): AbortSignal {
    return this.signals.signal;
  }

  /** The attempt (or run) this scope belongs to, so child steps can be tied to it. */
  get signalSource(): { readonly signal: AbortSignal } {
    return this.signals;
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
      ...(stream ? { onDelta: reportDeltaFor(this.host, this) } : {}),
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
    return this.requireTools().callTool(call, new ToolCallOptions(this, this.host));
  }

  listTools(server: string): Promise<McpToolInfo[]> {
    this.requireTools();
    return this.host.listTools(server, this.signal);
  }

  progress(message: string): void {
    this.host.reportProgress(this, { message });
  }

  runSubstep(key: string, kind: string, task: SubstepTask): Promise<unknown> {
    return this.host.runSubstep(this, key, kind, task);
  }

  runWorkers(tasks: SubstepTask[]): Promise<unknown[]> {
    return this.host.runWorkers(this, tasks);
  }
}
