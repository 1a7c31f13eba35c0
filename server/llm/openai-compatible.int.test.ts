import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonSchema } from "@/engine/schema/json-schema";
import { createAiSdkLlmPort } from "./llm-port";
import { createModelResolver } from "./providers";

/**
 * A fake OpenAI-compatible server on loopback (no real model can run here): it answers
 * /v1/chat/completions the way Ollama, vLLM or LM Studio do, and records what it was sent.
 */
type ChatRequest = {
  model: string;
  stream?: boolean;
  tools?: { function: { name: string } }[];
  response_format?: { type: string; json_schema?: { schema: unknown } };
  messages: { role: string; content: unknown }[];
};
const received: ChatRequest[] = [];
let server: Server;
let baseURL: string;

function completion(message: Record<string, unknown>, finish: string) {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model: "llama3.1",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19 },
  };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.url !== "/v1/chat/completions") {
        res.writeHead(404).end();
        return;
      }
      const request = JSON.parse(body) as ChatRequest;
      received.push(request);
      if (request.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (
          delta: Record<string, unknown>,
          finish: string | null,
          usage?: Record<string, number>,
        ) =>
          `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: "llama3.1", choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
        res.write(chunk({ role: "assistant", content: "Hello" }, null));
        res.write(chunk({ content: ", world" }, null));
        res.write(chunk({}, "stop", { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 }));
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      if (request.tools?.length) {
        res.end(
          JSON.stringify(
            completion(
              {
                content: null,
                tool_calls: [
                  {
                    id: "call_1",
                    type: "function",
                    function: { name: "read_file", arguments: '{"path":"/tmp/notes.md"}' },
                  },
                ],
              },
              "tool_calls",
            ),
          ),
        );
      } else if (request.response_format?.type === "json_schema") {
        res.end(
          JSON.stringify(completion({ content: '{"sentiment":"positive","score":0.9}' }, "stop")),
        );
      } else {
        res.end(JSON.stringify(completion({ content: "Plain answer." }, "stop")));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const signal = () => new AbortController().signal;
const port = () =>
  createAiSdkLlmPort({ resolveModel: createModelResolver({ local: { baseURL } }) });

describe("the LlmPort against an OpenAI-compatible server (fake server on loopback)", () => {
  it("answers a plain prompt with usage; a local model's cost is unknown until an admin prices it", async () => {
    const answer = await port().generate({
      model: "local/llama3.1",
      messages: [{ role: "user", content: "Hi" }],
      signal: signal(),
    });
    expect(answer).toEqual({
      text: "Plain answer.",
      usage: { inputTokens: 12, outputTokens: 7 },
      costUsd: undefined,
    });
    expect(received.at(-1)?.model).toBe("llama3.1");
  });

  it("sends tools and returns the model's tool calls", async () => {
    const answer = await port().generate({
      model: "local/llama3.1",
      messages: [{ role: "user", content: "What is in my notes?" }],
      tools: [
        {
          name: "read_file",
          description: "Read a file",
          inputSchema: {
            type: "object",
            properties: { path: { type: "string" } },
            required: ["path"],
          },
        },
      ],
      signal: signal(),
    });
    expect(answer.toolCalls).toEqual([
      { id: "call_1", name: "read_file", args: { path: "/tmp/notes.md" } },
    ]);
    expect(received.at(-1)?.tools?.map((t) => t.function.name)).toEqual(["read_file"]);
  });

  it("streams deltas", async () => {
    const deltas: string[] = [];
    const answer = await port().generate({
      model: "local/llama3.1",
      messages: [{ role: "user", content: "Greet" }],
      onDelta: (d) => deltas.push(d),
      signal: signal(),
    });
    expect(deltas.join("")).toBe("Hello, world");
    expect(answer.text).toBe("Hello, world");
    expect(received.at(-1)?.stream).toBe(true);
  });

  it("asks for JSON-schema structured output and parses it", async () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { sentiment: { type: "string" }, score: { type: "number" } },
      required: ["sentiment", "score"],
    };
    const answer = await port().generate({
      model: "local/llama3.1",
      messages: [{ role: "user", content: "I love it" }],
      outputSchema: schema,
      signal: signal(),
    });
    expect(answer.object).toEqual({ sentiment: "positive", score: 0.9 });
    expect(received.at(-1)?.response_format?.json_schema?.schema).toMatchObject(schema);
  });

  it("turns an unreachable endpoint into a clear, retryable LLM_UNREACHABLE error", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const freePort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const closed = createAiSdkLlmPort({
      resolveModel: createModelResolver({ local: { baseURL: `http://127.0.0.1:${freePort}/v1` } }),
    });
    await expect(
      closed.generate({
        model: "local/llama3.1",
        messages: [{ role: "user", content: "Hi" }],
        signal: signal(),
      }),
    ).rejects.toMatchObject({
      code: "LLM_UNREACHABLE",
      retryable: true,
      message: expect.stringContaining("could not be reached"),
    });
  });
});
