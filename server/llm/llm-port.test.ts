import { simulateReadableStream } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { StepError } from "@/engine/runtime/step-error";
import { withTenantPrices } from "./prices";
import { createAiSdkLlmPort, toModelMessages } from "./llm-port";
import { createModelResolver } from "./providers";

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
const stop = { unified: "stop" as const, raw: "stop" };

function portWith(model: MockLanguageModelV3, modelId = "openai/gpt-4o-mini") {
  return createAiSdkLlmPort({ resolveModel: () => ({ model, modelId }) });
}
const signal = new AbortController().signal;

describe("the AI SDK LlmPort (AI SDK mock model)", () => {
  it("returns the text with token usage and the cost from the price table", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: "text", text: "Paris." }],
        finishReason: stop,
        usage: usage(1000, 200),
        warnings: [],
      },
    });
    const answer = await portWith(model).generate({
      model: null,
      messages: [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "Capital of France?" },
      ],
      signal,
    });
    expect(answer).toEqual({
      text: "Paris.",
      usage: { inputTokens: 1000, outputTokens: 200 },
      costUsd: (1000 * 0.15 + 200 * 0.6) / 1e6,
    });
    const prompt = model.doGenerateCalls[0]!.prompt;
    expect(prompt[0]).toEqual({ role: "system", content: "Answer briefly." });
  });

  it("hands the model's tool calls back to the runtime instead of running them", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [
          {
            type: "tool-call",
            toolCallId: "c1",
            toolName: "search",
            input: JSON.stringify({ query: "mcp" }),
          },
        ],
        finishReason: { unified: "tool-calls", raw: "tool_calls" },
        usage: usage(50, 10),
        warnings: [],
      },
    });
    const answer = await portWith(model).generate({
      model: null,
      messages: [{ role: "user", content: "Find MCP news" }],
      tools: [
        {
          name: "search",
          description: "Web search",
          inputSchema: { type: "object", properties: { query: { type: "string" } } },
        },
      ],
      signal,
    });
    expect(answer.toolCalls).toEqual([{ id: "c1", name: "search", args: { query: "mcp" } }]);
    const sentTools = model.doGenerateCalls[0]!.tools;
    expect(sentTools?.map((t) => t.name)).toEqual(["search"]);
  });

  it("parses structured output against the requested schema", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: "text", text: JSON.stringify({ category: "billing", urgent: true }) }],
        finishReason: stop,
        usage: usage(10, 5),
        warnings: [],
      },
    });
    const answer = await portWith(model).generate({
      model: null,
      messages: [{ role: "user", content: "Classify: my card was charged twice!" }],
      outputSchema: {
        type: "object",
        properties: { category: { type: "string" }, urgent: { type: "boolean" } },
        required: ["category", "urgent"],
      },
      signal,
    });
    expect(answer.object).toEqual({ category: "billing", urgent: true });
  });

  it("reports an answer that does not parse as the requested schema as LLM_OUTPUT_INVALID", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: "text", text: "Billing, I think." }],
        finishReason: stop,
        usage: usage(10, 5),
        warnings: [],
      },
    });
    const answer = portWith(model).generate({
      model: null,
      messages: [{ role: "user", content: "Classify: my card was charged twice!" }],
      outputSchema: {
        type: "object",
        properties: { branch: { type: "string" } },
        required: ["branch"],
      },
      signal,
    });
    await expect(answer).rejects.toMatchObject({ code: "LLM_OUTPUT_INVALID", retryable: true });
    await expect(answer).rejects.toThrow(
      /openai\/gpt-4o-mini answered in a shape other than the one asked for/,
    );
  });

  it("streams text deltas when the runtime asks for them", async () => {
    const model = new MockLanguageModelV3({
      doStream: {
        stream: simulateReadableStream({
          chunks: [
            { type: "text-start", id: "t" },
            { type: "text-delta", id: "t", delta: "Hel" },
            { type: "text-delta", id: "t", delta: "lo" },
            { type: "text-end", id: "t" },
            { type: "finish", finishReason: stop, usage: usage(3, 2) },
          ],
        }),
      },
    });
    const deltas: string[] = [];
    const answer = await portWith(model, "local/llama3.1").generate({
      model: null,
      messages: [{ role: "user", content: "Say hello" }],
      onDelta: (d) => deltas.push(d),
      signal,
    });
    expect(deltas).toEqual(["Hel", "lo"]);
    expect(answer).toMatchObject({ text: "Hello", usage: { inputTokens: 3, outputTokens: 2 } });
    // A local model has no price until an admin sets one: its cost is unknown, not $0.
    expect(answer.costUsd).toBeUndefined();
  });

  it("leaves the cost unknown for a model without a price", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: "text", text: "ok" }],
        finishReason: stop,
        usage: usage(1, 1),
        warnings: [],
      },
    });
    const answer = await portWith(model, "openai/some-future-model").generate({
      model: null,
      messages: [{ role: "user", content: "hi" }],
      signal,
    });
    expect(answer.costUsd).toBeUndefined();
  });

  it("prices a model from the tenant's own prices over the built-in table", async () => {
    const model = new MockLanguageModelV3({
      doGenerate: {
        content: [{ type: "text", text: "ok" }],
        finishReason: stop,
        usage: usage(1_000, 500),
        warnings: [],
      },
    });
    const prices = withTenantPrices([
      { modelPrefix: "local", prices: { "llama3.1": { inputPerMillion: 2, outputPerMillion: 4 } } },
      {
        modelPrefix: "openai",
        prices: { "gpt-4o-mini": { inputPerMillion: 1, outputPerMillion: 1 } },
      },
    ]);
    const local = createAiSdkLlmPort({
      resolveModel: () => ({ model, modelId: "local/llama3.1" }),
      prices,
    });
    expect(
      (await local.generate({ model: null, messages: [{ role: "user", content: "hi" }], signal }))
        .costUsd,
    ).toBeCloseTo(0.004, 10);
    const overridden = createAiSdkLlmPort({
      resolveModel: () => ({ model, modelId: "openai/gpt-4o-mini" }),
      prices,
    });
    expect(
      (
        await overridden.generate({
          model: null,
          messages: [{ role: "user", content: "hi" }],
          signal,
        })
      ).costUsd,
    ).toBeCloseTo(0.0015, 10);
    const builtIn = createAiSdkLlmPort({
      resolveModel: () => ({ model, modelId: "openai/gpt-4o" }),
      prices,
    });
    expect(
      (await builtIn.generate({ model: null, messages: [{ role: "user", content: "hi" }], signal }))
        .costUsd,
    ).toBeCloseTo((1_000 * 2.5 + 500 * 10) / 1e6, 10);
  });
});

describe("model resolution", () => {
  it("says clearly that no provider is configured, and is not retried", () => {
    const resolve = createModelResolver({});
    let error: unknown;
    try {
      resolve(null);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StepError);
    expect(error).toMatchObject({ code: "LLM_NOT_CONFIGURED", retryable: false });
    expect((error as Error).message).toContain("OPENAI_API_KEY");
  });

  it("names the missing provider for a model of another one", () => {
    const resolve = createModelResolver({ openai: { apiKey: "sk-test" } });
    expect(resolve(null).modelId).toBe("openai/gpt-4o-mini");
    expect(() => resolve("anthropic/claude-sonnet-4-5")).toThrow(/needs the anthropic provider/);
    expect(() => resolve("gpt-4o")).toThrow(/Unknown model "gpt-4o"/);
  });

  it("reads provider:model as provider/model", () => {
    const resolve = createModelResolver({ openai: { apiKey: "sk-test" } });
    expect(resolve("openai:gpt-4o-mini").modelId).toBe("openai/gpt-4o-mini");
  });

  it("uses LLM_DEFAULT_MODEL for nodes without a model", () => {
    const resolve = createModelResolver({
      local: { baseURL: "http://127.0.0.1:11434/v1" },
      defaultModel: "local/qwen3",
    });
    expect(resolve(null).modelId).toBe("local/qwen3");
  });
});

describe("message conversion", () => {
  it("keeps tool calls and their results paired by id", () => {
    const { system, messages } = toModelMessages([
      { role: "system", content: "Be useful." },
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "",
        toolCalls: [{ id: "1", name: "weather", args: { city: "Oslo" } }],
      },
      { role: "tool", toolCallId: "1", toolName: "weather", result: { celsius: -3 } },
    ]);
    expect(system).toBe("Be useful.");
    expect(messages).toEqual([
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "1", toolName: "weather", input: { city: "Oslo" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "1",
            toolName: "weather",
            output: { type: "json", value: { celsius: -3 } },
          },
        ],
      },
    ]);
  });
});
