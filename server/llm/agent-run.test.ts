import { simulateReadableStream } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { createRealClock } from "@/engine/runtime/clocks";
import { createFakeTools } from "@/engine/runtime/fake-ports";
import { createMemoryRunStore } from "@/engine/runtime/memory-ports";
import { collectRunEvents, runPlan } from "@/engine/runtime/run-plan";
import { createAiSdkLlmPort } from "./llm-port";

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

describe("an agent step through the AI SDK adapter (AI SDK mock model, fake MCP tools)", () => {
  it("calls the tool the model asks for, feeds the result back, and finishes with the model's answer", async () => {
    // Agents stream (their text goes to the canvas as it comes), so the model answers through doStream.
    const model = new MockLanguageModelV3({
      doStream: [
        {
          stream: simulateReadableStream({
            chunks: [
              {
                type: "tool-call",
                toolCallId: "t1",
                toolName: "search",
                input: JSON.stringify({ query: "tide tables" }),
              },
              {
                type: "finish",
                finishReason: { unified: "tool-calls", raw: "tool_calls" },
                usage: usage(100, 20),
              },
            ],
          }),
        },
        {
          stream: simulateReadableStream({
            chunks: [
              { type: "text-start", id: "a" },
              { type: "text-delta", id: "a", delta: "High tide is at 14:05." },
              { type: "text-end", id: "a" },
              {
                type: "finish",
                finishReason: { unified: "stop", raw: "stop" },
                usage: usage(150, 10),
              },
            ],
          }),
        },
      ],
    });
    const llm = createAiSdkLlmPort({
      resolveModel: () => ({ model, modelId: "openai/gpt-4o-mini" }),
    });
    const tools = createFakeTools({
      web: { search: ({ query }) => ({ results: [`${String(query)}: high tide 14:05`] }) },
    });
    const compiled = compileWorkflow(
      makeWorkflow({
        nodes: [
          makeNode("input", "in"),
          makeNode("agent", "researcher", {
            instructions: "Answer from search results.",
            prompt: "{{input.question}}",
            mcpServers: ["web"],
          }),
          makeNode("output", "out", { name: "answer" }),
        ],
        edges: chain("in", "researcher", "out"),
      }),
    );
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));

    const events = await collectRunEvents(
      runPlan(
        compiled.plan,
        { question: "When is high tide?" },
        { llm, tools, clock: createRealClock(), store: createMemoryRunStore() },
        { runId: "r1" },
      ),
    );
    const end = events.at(-1);
    expect(end).toMatchObject({
      type: "run.completed",
      output: { answer: "High tide is at 14:05." },
    });
    expect(end).toMatchObject({ usage: { inputTokens: 250, outputTokens: 30 } });
    expect(tools.calls).toEqual([
      { server: "web", tool: "search", args: { query: "tide tables" } },
    ]);
    // The second model call saw the tool's result.
    const secondPrompt = JSON.stringify(model.doStreamCalls[1]!.prompt);
    expect(secondPrompt).toContain("high tide 14:05");
  });
});
