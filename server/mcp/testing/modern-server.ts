import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  acceptedContent,
  createMcpHandler,
  inputRequired,
  McpServer,
} from "@modelcontextprotocol/server";
import { z } from "zod";

/**
 * A 2026-07-28 MCP server for tests, on loopback, written with the v2 SDK (the reference
 * implementation of the revision; our client is not built on it, so it checks our wire). By
 * default it speaks only 2026-07-28 (`initialize` is refused); `dualEra` also serves 2025-era
 * clients through the SDK's stateless fallback. It records the method and MCP-Protocol-Version
 * header of each POST, so tests can tell which era a client spoke.
 */

export type ModernTestServer = {
  url: string;
  /** `method@version` for each request, in order (`initialize@-` for a 2025 handshake), and `wait:cancelled` when a wait call was hung up on. */
  seen: string[];
  close(): Promise<void>;
};

function buildServer(events: string[]): McpServer {
  const server = new McpServer({ name: "modern-test", version: "3.1.0" });
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

export async function startModernServer(options: { dualEra?: boolean; port?: number } = {}) {
  const seen: string[] = [];
  const handler = createMcpHandler(() => buildServer(seen), {
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
          .catch(() => null)) as { method?: unknown } | null;
        seen.push(`${String(body?.method)}@${req.headers["mcp-protocol-version"] ?? "-"}`);
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
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
  return server;
}
