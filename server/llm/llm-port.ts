import {
  NoObjectGeneratedError,
  APICallError,
  generateText,
  jsonSchema,
  Output,
  RetryError,
  streamText,
  tool,
  type JSONValue,
  type LanguageModelUsage,
  type ModelMessage,
  type ToolSet,
} from "ai";
import type {
  LlmMessage,
  LlmPort,
  LlmRequest,
  LlmResponse,
  LlmToolCall,
} from "@/engine/runtime/ports";
import { StepError } from "@/engine/runtime/step-error";
import { priceCall, type ModelPrice } from "./prices";
import type { ModelResolver } from "./providers";

/** Our messages → the AI SDK's. System messages go to `system`, where every provider accepts them. */
export function toModelMessages(messages: LlmMessage[]): {
  system: string | undefined;
  messages: ModelMessage[];
} {
  const system: string[] = [];
  const out: ModelMessage[] = [];
  for (const message of messages) {
    if (message.role === "tool") {
      out.push({
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: message.toolCallId,
            toolName: message.toolName,
            output: { type: "json", value: (message.result ?? null) as JSONValue },
          },
        ],
      });
    } else if (message.role === "assistant") {
      out.push(
        message.toolCalls?.length
          ? {
              role: "assistant",
              content: [
                ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
                ...message.toolCalls.map((call) => ({
                  type: "tool-call" as const,
                  toolCallId: call.id,
                  toolName: call.name,
                  input: call.args,
                })),
              ],
            }
          : { role: "assistant", content: message.content },
      );
    } else if (message.role === "system") {
      system.push(message.content);
    } else {
      out.push({ role: "user", content: message.content });
    }
  }
  return { system: system.length ? system.join("\n\n") : undefined, messages: out };
}

/** Tools without `execute`: the model's calls come back to the runtime, which runs them through the ToolPort. */
function toToolSet(tools: LlmRequest["tools"]): ToolSet | undefined {
  if (!tools?.length) return undefined;
  return Object.fromEntries(
    tools.map((spec) => [
      spec.name,
      tool({
        description: spec.description,
        inputSchema: jsonSchema(spec.inputSchema ?? { type: "object", properties: {} }),
      }),
    ]),
  );
}

function toUsage(usage: LanguageModelUsage) {
  return { inputTokens: usage.inputTokens ?? 0, outputTokens: usage.outputTokens ?? 0 };
}

function toToolCalls(
  calls: { toolCallId: string; toolName: string; input: unknown }[],
): LlmToolCall[] | undefined {
  return calls.length
    ? calls.map((c) => ({ id: c.toolCallId, name: c.toolName, args: c.input }))
    : undefined;
}

/** Provider failures → step errors a person can act on. Aborts pass through for the runtime's cancellation. */
export function toLlmStepError(error: unknown, modelId: string): unknown {
  if (error instanceof StepError || (error instanceof Error && error.name === "AbortError"))
    return error;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  if (NoObjectGeneratedError.isInstance(last)) {
    // The model answered, but not in the shape asked for: a router can fall back on its default branch.
    return new StepError(
      "LLM_OUTPUT_INVALID",
      `${modelId} answered in a shape other than the one asked for: ${last.message}`,
      true,
    );
  }
  const chain: string[] = [];
  for (
    let e: unknown = last;
    e && typeof e === "object" && chain.length < 5;
    e = (e as { cause?: unknown }).cause
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") chain.push(code);
  }
  const network = chain.find((c) =>
    /^(ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT)$/.test(c),
  );
  if (network) {
    return new StepError(
      "LLM_UNREACHABLE",
      `The provider of ${modelId} could not be reached (${network}).`,
      true,
    );
  }
  if (APICallError.isInstance(last)) {
    const status = last.statusCode ?? 0;
    if (!status && /cannot connect/i.test(last.message)) {
      return new StepError(
        "LLM_UNREACHABLE",
        `The provider of ${modelId} could not be reached (${last.message}).`,
        true,
      );
    }
    if (status === 401 || status === 403) {
      return new StepError(
        "LLM_AUTH_FAILED",
        `The provider refused the API key for ${modelId} (HTTP ${status}).`,
        false,
      );
    }
    if (status === 404)
      return new StepError(
        "LLM_MODEL_NOT_FOUND",
        `The provider does not know the model ${modelId}.`,
        false,
      );
    return new StepError("LLM_FAILED", `${modelId} failed: ${last.message}`, last.isRetryable);
  }
  const message = last instanceof Error ? last.message : String(last);
  if (/fetch failed|network/i.test(message)) {
    return new StepError(
      "LLM_UNREACHABLE",
      `The provider of ${modelId} could not be reached (${message}).`,
      true,
    );
  }
  return new StepError("LLM_FAILED", `${modelId} failed: ${message}`, true);
}

/**
 * The engine's LlmPort on the Vercel AI SDK: one model call per `generate`, streamed when the
 * runtime wants deltas, with tools (returned as calls, not executed), structured output, token
 * usage and cost from the price table. Retries are the runtime's job (per-step policy), so the
 * SDK's own are off by default.
 */
export function createAiSdkLlmPort(options: {
  resolveModel: ModelResolver;
  maxRetries?: number;
  prices?: Record<string, ModelPrice>;
}): LlmPort {
  const maxRetries = options.maxRetries ?? 0;
  return {
    async generate(request): Promise<LlmResponse> {
      const { model, modelId } = options.resolveModel(request.model);
      const { system, messages } = toModelMessages(request.messages);
      const call = {
        model,
        system,
        messages,
        tools: toToolSet(request.tools),
        temperature: request.temperature,
        abortSignal: request.signal,
        maxRetries,
        ...(request.outputSchema
          ? {
              output: Output.object({
                schema: jsonSchema(request.outputSchema as Record<string, unknown>),
              }),
            }
          : {}),
      };
      try {
        let text: string;
        let toolCalls: LlmToolCall[] | undefined;
        let usage: LanguageModelUsage;
        let readOutput: () => Promise<unknown>;
        if (request.onDelta) {
          let streamError: unknown;
          const result = streamText({
            ...call,
            onError: ({ error }) => void (streamError = error),
          });
          for await (const delta of result.textStream) request.onDelta(delta);
          if (streamError) throw streamError;
          [text, toolCalls, usage] = await Promise.all([
            result.text,
            result.toolCalls.then(toToolCalls),
            result.usage,
          ]);
          readOutput = async () => result.output;
        } else {
          const result = await generateText(call);
          ({ text, usage } = result);
          toolCalls = toToolCalls(result.toolCalls);
          readOutput = async () => result.output;
        }
        const tokens = toUsage(usage);
        // A model that asked for tools has not answered yet: no structured output to read.
        const object = request.outputSchema && !toolCalls ? await readOutput() : undefined;
        return {
          text,
          ...(object === undefined ? {} : { object }),
          ...(toolCalls ? { toolCalls } : {}),
          usage: tokens,
          costUsd: priceCall(modelId, tokens, options.prices),
        };
      } catch (error) {
        throw toLlmStepError(error, modelId);
      }
    },
  };
}
