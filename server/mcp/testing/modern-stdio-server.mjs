// A 2026-07-28 MCP server over stdio for tests, written with the v2 SDK's serveStdio (the
// revision's reference implementation). It speaks only 2026-07-28: an `initialize` is refused
// (serveStdio's `legacy: "reject"`), or served as 2025-11-25 with the argument --legacy=serve. Each
// request's method is written to stderr as `seen <method>`, so a test can tell what it was sent.
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

process.stdin.on("data", (chunk) => {
  for (const line of chunk.toString().split("\n")) {
    const method = /"method"\s*:\s*"([^"]+)"/.exec(line)?.[1];
    if (method && /"id"\s*:/.test(line)) process.stderr.write(`seen ${method}\n`);
  }
});

serveStdio(
  () => {
    const server = new McpServer({ name: "modern-stdio-test", version: "4.2.0" });
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
    return server;
  },
  { legacy: process.argv.includes("--legacy=serve") ? "serve" : "reject" },
);
