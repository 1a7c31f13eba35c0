import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  acceptedContent,
  createMcpHandler,
  inputRequired,
  McpServer,
  type InMemoryServerEventBus,
  type ServerNotifier,
} from "@modelcontextprotocol/server";
import { z } from "zod";

/**
 * A 2026-07-28 MCP server for tests, on loopback, written with the v2 SDK (the reference
 * implementation of the revision; our client is not built on it, so it checks our wire). By
 * default it speaks only 2026-07-28 (`initialize` is refused); `dualEra` also serves 2025-era
 * clients through the SDK's stateless fallback. It records the method and MCP-Protocol-Version
 * header of each POST, so tests can tell which era a client spoke.
 *
 * For change notifications (served on `subscriptions/listen` streams by the SDK's handler): a
 * resource `memo://note` that can be subscribed to, whose tool `edit_note` changes it and
 * announces the update; and a tool `grow` that adds a tool `extra` and announces the list changed.
 * `toolsTtlMs` makes tools/list answers carry that `ttlMs`. `order` asks for a name and a count
 * (input_required, the same form as elicit-server.mjs's ask-form) and answers "order for NAME xN".
 */

export type ModernTestServer = {
  url: string;
  /** `method@version` for each request, in order (`initialize@-` for a 2025 handshake), and `wait:cancelled` when a wait call was hung up on. */
  seen: string[];
  /** How many subscriptions/listen streams are open now. */
  listening(): number;
  /** The notification filter of each subscriptions/listen request, in order. */
  listens: unknown[];
  close(): Promise<void>;
};

type State = { note: string; grown: boolean; notify: () => ServerNotifier };

export const ORDER_FORM = {
  type: "object",
  properties: {
    name: { type: "string", title: "Name", minLength: 2 },
    count: { type: "integer", title: "Count", minimum: 1, maximum: 5, default: 1 },
    colour: { type: "string", title: "Colour", enum: ["red", "blue"] },
    gift: { type: "boolean", title: "Gift wrap" },
  },
  required: ["name", "count"],
} as const;

function buildServer(events: string[], state: State, toolsTtlMs: number | undefined): McpServer {
  const server = new McpServer(
    { name: "modern-test", version: "3.1.0" },
    {
      capabilities: { resources: { subscribe: true } },
      ...(toolsTtlMs === undefined ? {} : { cacheHints: { "tools/list": { ttlMs: toolsTtlMs } } }),
    },
  );
  server.registerResource(
    "note",
    "memo://note",
    { description: "A note that edit_note changes.", mimeType: "text/plain" },
    async () => ({ contents: [{ uri: "memo://note", mimeType: "text/plain", text: state.note }] }),
  );
  server.registerTool(
    "edit_note",
    { description: "Changes the note.", inputSchema: z.object({ text: z.string() }) },
    async ({ text }) => {
      state.note = text;
      state.notify().resourceUpdated("memo://note");
      return { content: [{ type: "text", text: "edited" }] };
    },
  );
  server.registerTool("grow", { description: "Adds the tool extra." }, async () => {
    state.grown = true;
    state.notify().toolsChanged();
    return { content: [{ type: "text", text: "grown" }] };
  });
  if (state.grown)
    server.registerTool("extra", { description: "Added by grow." }, async () => ({
      content: [{ type: "text", text: "extra" }],
    }));
  server.registerTool(
    "order",
    { description: "Asks who is ordering, then orders." },
    async (ctx) => {
      const responses = ctx.mcpReq.inputResponses ?? {};
      const answer = responses.who as
        { action?: string; content?: { name?: string; count?: number } } | undefined;
      if (!answer)
        return inputRequired({
          inputRequests: {
            who: inputRequired.elicit({
              message: "Who is ordering?",
              requestedSchema: structuredClone(ORDER_FORM) as never,
            }),
          },
        });
      if (answer.action !== "accept")
        return {
          content: [{ type: "text", text: `no order: ${answer.action}` }],
          isError: true,
        };
      return {
        content: [
          { type: "text", text: `order for ${answer.content?.name} x${answer.content?.count}` },
        ],
      };
    },
  );
  server.registerTool(
    "whoami",
    {
      description: "Says which protocol revision the request came in.",
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (ctx) => ({
      content: [
        {
          type: "text",
          text: `revision ${ctx.http?.req?.headers.get("mcp-protocol-version") ?? "unknown"}`,
        },
      ],
    }),
  );
  server.registerTool(
    "add",
    {
      description: "Adds two numbers.",
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      outputSchema: z.object({ sum: z.number() }),
    },
    async ({ a, b }) => ({
      content: [{ type: "text", text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool(
    "in_region",
    {
      description: "Echoes a region that is mirrored into the Mcp-Param-Region header.",
      inputSchema: z.object({ region: z.string().meta({ "x-mcp-header": "Region" }) }),
    },
    async ({ region }, ctx) => ({
      content: [
        {
          type: "text",
          text: `region ${region}, header ${ctx.http?.req?.headers.get("mcp-param-region") ?? "none"}`,
        },
      ],
    }),
  );
  server.registerTool(
    "count",
    {
      description: "Counts to `to`, reporting progress for each step.",
      inputSchema: z.object({ to: z.number().int().min(1).max(20) }),
    },
    async ({ to }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= to; i++) {
        if (token !== undefined)
          await ctx.mcpReq.notify({
            method: "notifications/progress",
            params: { progressToken: token, progress: i, total: to, message: `step ${i}` },
          });
      }
      return { content: [{ type: "text", text: `counted to ${to}` }] };
    },
  );
  server.registerTool(
    "wait",
    {
      description: "Waits `ms` milliseconds unless the client hangs up first.",
      inputSchema: z.object({ ms: z.number().int().min(0).max(30_000) }),
    },
    async ({ ms }, ctx) => {
      const signal = ctx.mcpReq.signal;
      const hungUp = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      if (hungUp) events.push("wait:cancelled");
      return { content: [{ type: "text", text: hungUp ? "cancelled" : `waited ${ms} ms` }] };
    },
  );
  const confirmation = z.object({ confirm: z.boolean(), note: z.string().optional() });
  server.registerTool(
    "deploy",
    {
      description: "Deploys after a person confirms (a 2026-07-28 input_required elicitation).",
      inputSchema: z.object({ env: z.string() }),
    },
    async ({ env }, ctx) => {
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "confirm", confirmation);
      const round = Number(ctx.mcpReq.requestState() ?? "0");
      if (answer === undefined) {
        const responses = ctx.mcpReq.inputResponses ?? {};
        if ("confirm" in responses)
          return { content: [{ type: "text", text: `not deployed to ${env}` }] };
        return inputRequired({
          inputRequests: {
            confirm: inputRequired.elicit({
              message: `Deploy to ${env}?`,
              requestedSchema: {
                type: "object",
                properties: { confirm: { type: "boolean" }, note: { type: "string" } },
                required: ["confirm"],
              },
            }),
          },
          requestState: String(round + 1),
        });
      }
      return {
        content: [
          {
            type: "text",
            text: answer.confirm
              ? `deployed to ${env}${answer.note ? ` (${answer.note})` : ""} after round ${round}`
              : `not deployed to ${env}`,
          },
        ],
      };
    },
  );
  server.registerPrompt("greet", { description: "A greeting." }, async () => ({
    messages: [{ role: "user", content: { type: "text", text: "hello" } }],
  }));
  return server;
}

async function toRequest(req: IncomingMessage, url: string, signal: AbortSignal): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && req.method !== "DELETE";
  return new Request(url, {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
    signal,
  });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  const reader = response.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    res.write(chunk.value);
  }
  res.end();
}

export async function startModernServer(
  options: { dualEra?: boolean; port?: number; toolsTtlMs?: number } = {},
) {
  const seen: string[] = [];
  const listens: unknown[] = [];
  const state: State = { note: "first", grown: false, notify: () => handler.notify };
  const handler = createMcpHandler(() => buildServer(seen, state, options.toolsTtlMs), {
    legacy: options.dualEra ? "stateless" : "reject",
  });
  const http = createServer((req, res) => {
    const hangUp = new AbortController();
    res.on("close", () => hangUp.abort());
    void (async () => {
      const request = await toRequest(req, `http://127.0.0.1${req.url ?? "/"}`, hangUp.signal);
      if (req.method === "POST") {
        const body = (await request
          .clone()
          .json()
          .catch(() => null)) as { method?: unknown; params?: { notifications?: unknown } } | null;
        seen.push(`${String(body?.method)}@${req.headers["mcp-protocol-version"] ?? "-"}`);
        if (body?.method === "subscriptions/listen") listens.push(body.params?.notifications);
      }
      await send(res, await handler.fetch(request));
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const server: ModernTestServer = {
    url: `http://127.0.0.1:${port}/mcp`,
    seen,
    listening: () => (handler.bus as InMemoryServerEventBus).listenerCount,
    listens,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}
