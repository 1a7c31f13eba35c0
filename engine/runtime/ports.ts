import type { JsonSchema } from "../schema/json-schema";
import type { RunEvent, TokenUsage } from "../schema/run-events";

/**
 * The runtime's only ways out. The server implements them (AI SDK providers, the MCP client pool,
 * the database, the event bus); tests use the in-memory ones next to this file. Each is small on
 * purpose: an adapter should be a page of code.
 */

export type LlmToolCall = { id: string; name: string; args: unknown };

export type LlmMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: LlmToolCall[] }
  /** A tool's result (or `{ error }`), in answer to the assistant's call with the same id. */
  | { role: "tool"; toolCallId: string; toolName: string; result: unknown };

export type LlmToolSpec = {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
};

export type LlmRequest = {
  /** The node's model, or null for the adapter's default. */
  model: string | null;
  messages: LlmMessage[];
  /** Tools the model may call. The runtime executes the calls (through ToolPort), not the adapter. */
  tools?: LlmToolSpec[];
  /** Asks for structured output; the answer's `object` must match it. */
  outputSchema?: JsonSchema;
  temperature?: number;
  signal: AbortSignal;
  /** Streams text as it is generated; the runtime turns each piece into a step.output.delta event. */
  onDelta?: (text: string) => void;
};

export type LlmResponse = {
  text: string;
  object?: unknown;
  toolCalls?: LlmToolCall[];
  usage: TokenUsage;
  /** In US dollars, when the adapter knows the model's prices. */
  costUsd?: number;
};

/** One model call. Multi-step tool use is driven by the runtime, so every tool call is visible. */
export interface LlmPort {
  generate(request: LlmRequest): Promise<LlmResponse>;
}

export type McpToolInfo = {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
};
export type ToolCall = { server: string; tool: string; args: Record<string, unknown> };
export type ToolProgress = { progress?: number; total?: number; message?: string };

/** MCP servers' tools. `callTool` resolves with the tool's result and rejects on a tool error. */
export interface ToolPort {
  listTools(server: string, signal: AbortSignal): Promise<McpToolInfo[]>;
  callTool(
    call: ToolCall,
    options: {
      signal: AbortSignal;
      onProgress?: (progress: ToolProgress) => void;
      /** The step making the call: a server's question during the call (elicitation) is its. */
      stepId?: string;
    },
  ): Promise<unknown>;
}

/**
 * Receives every run event, synchronously and in order. Batch or queue slow work (database writes,
 * pub/sub) inside the adapter; if `emit` throws, the run fails with EVENT_SINK_FAILED.
 */
export interface EventSink {
  emit(event: RunEvent): void;
}

/** Time, as a port so tests can use a fake clock and never wait. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason if it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A finished step, as stored. Dynamic steps (orchestrator workers) are stored the same way. */
export type StepRecord = {
  stepId: string;
  parentStepId?: string;
  output: unknown;
  port: string;
  attempts: number;
  startedAt: number;
  finishedAt: number;
  usage: TokenUsage;
  costUsd: number;
  /** Tokens spent on models without a known price (absent when none). */
  unpricedTokens?: number;
  pinned?: boolean;
  fallbackStepId?: string;
};

/**
 * Durable step results. The runtime saves each finished step (and awaits the save) before starting
 * any step that depends on it, and never re-runs a step it finds here: that is how a run resumes
 * after a crash or a human approval.
 */
export interface RunStore {
  loadStepRecords(runId: string): Promise<StepRecord[]>;
  saveStepRecord(runId: string, record: StepRecord): Promise<void>;
}

export type RunPorts = {
  llm?: LlmPort;
  tools?: ToolPort;
  events?: EventSink;
  clock: Clock;
  store: RunStore;
};
