import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake server was sent: the model, whether it streamed, and the API key (as a bearer token). */
export interface FakeChatRequest {
  model: string;
  stream: boolean;
  authorization: string | null;
  messages: { role: string; content: unknown }[];
}

export interface FakeOpenAiServer {
  /** The base URL to configure, ending in /v1. */
  baseURL: string;
  received: FakeChatRequest[];
  close(): Promise<void>;
}

/**
 * A fake OpenAI-compatible server on loopback (no real model can run here): it answers
 * POST /v1/chat/completions, plain or streamed, with `answer`, and refuses with HTTP 401 any
 * request whose bearer token is `refusedKey`, as a provider refuses a wrong key.
 */
export async function startFakeOpenAiServer(
  options: {
    answer?: string;
    refusedKey?: string;
    /** A request this returns true for is never answered: a slow call a test can kill a worker in. */
    hold?: (request: FakeChatRequest) => boolean;
    /** Answers after this long (a call that takes time), instead of at once. */
    delayMs?: number;
  } = {},
): Promise<FakeOpenAiServer> {
  const text = options.answer ?? "OK";
  const received: FakeChatRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      if (req.url !== "/v1/chat/completions") return void res.writeHead(404).end();
      const request = JSON.parse(body) as {
        model: string;
        stream?: boolean;
        messages: FakeChatRequest["messages"];
      };
      const authorization = req.headers.authorization ?? null;
      const fake: FakeChatRequest = {
        model: request.model,
        stream: Boolean(request.stream),
        authorization,
        messages: request.messages,
      };
      received.push(fake);
      if (options.hold?.(fake)) return;
      if (options.delayMs) setTimeout(() => answer(request, authorization), options.delayMs);
      else answer(request, authorization);
    });
    function answer(request: { model: string; stream?: boolean }, authorization: string | null) {
      if (res.destroyed) return;
      if (options.refusedKey && authorization === `Bearer ${options.refusedKey}`) {
        res.writeHead(401, { "content-type": "application/json" });
        return void res.end(
          JSON.stringify({
            error: {
              message: "Incorrect API key provided",
              type: "invalid_request_error",
              code: "invalid_api_key",
            },
          }),
        );
      }
      const usage = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 };
      if (request.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const chunk = (delta: Record<string, unknown>, finish: string | null, withUsage = false) =>
          `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", created: 1, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }], ...(withUsage ? { usage } : {}) })}\n\n`;
        res.write(chunk({ role: "assistant", content: text }, null));
        res.write(chunk({}, "stop", true));
        return void res.end("data: [DONE]\n\n");
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: request.model,
          choices: [
            { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" },
          ],
          usage,
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // held requests too
      }),
  };
}

/** A loopback port nothing listens on: calls to it fail with ECONNREFUSED. */
export async function findClosedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
