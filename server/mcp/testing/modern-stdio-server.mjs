// A 2026-07-28 MCP server over stdio for tests, written with the v2 SDK's serveStdio (the
// revision's reference implementation). It speaks only 2026-07-28: an `initialize` is refused
// (serveStdio's `legacy: "reject"`), or served as 2025-11-25 with the argument --legacy=serve. Each
// request's method is written to stderr as `seen <method>`, so a test can tell what it was sent.
// Besides `add`: a resource `memo://note` that can be subscribed to (subscriptions/listen), which
// `edit_note` changes and announces; `order`, which asks who is ordering (input_required, the form
// of elicit-server.mjs's ask-form). --start-delay=MS reads nothing for MS milliseconds first: a
// server slow to start.
import { inputRequired, McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";

const delay = Number(
  /^--start-delay=(\d+)$/.exec(
    process.argv.find((a) => a.startsWith("--start-delay=")) ?? "",
  )?.[1] ?? 0,
);
if (delay) await new Promise((resolve) => setTimeout(resolve, delay));

process.stdin.on("data", (chunk) => {
  for (const line of chunk.toString().split("\n")) {
    const method = /"method"\s*:\s*"([^"]+)"/.exec(line)?.[1];
    if (method && /"id"\s*:/.test(line)) process.stderr.write(`seen ${method}\n`);
  }
});

const orderForm = {
  type: "object",
  properties: {
    name: { type: "string", title: "Name", minLength: 2 },
    count: { type: "integer", title: "Count", minimum: 1, maximum: 5, default: 1 },
    colour: { type: "string", title: "Colour", enum: ["red", "blue"] },
    gift: { type: "boolean", title: "Gift wrap" },
  },
  required: ["name", "count"],
};

let note = "first";

serveStdio(
  () => {
    const server = new McpServer(
      { name: "modern-stdio-test", version: "4.2.0" },
      { capabilities: { resources: { subscribe: true } } },
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
    server.registerResource(
      "note",
      "memo://note",
      { description: "A note that edit_note changes.", mimeType: "text/plain" },
      async () => ({ contents: [{ uri: "memo://note", mimeType: "text/plain", text: note }] }),
    );
    server.registerTool(
      "edit_note",
      { description: "Changes the note.", inputSchema: z.object({ text: z.string() }) },
      async ({ text }) => {
        note = text;
        await server.server.sendResourceUpdated({ uri: "memo://note" });
        return { content: [{ type: "text", text: "edited" }] };
      },
    );
    server.registerTool(
      "order",
      { description: "Asks who is ordering, then orders." },
      async (ctx) => {
        const answer = (ctx.mcpReq.inputResponses ?? {}).who;
        if (!answer)
          return inputRequired({
            inputRequests: {
              who: inputRequired.elicit({
                message: "Who is ordering?",
                requestedSchema: orderForm,
              }),
            },
          });
        if (answer.action !== "accept")
          return { content: [{ type: "text", text: `no order: ${answer.action}` }], isError: true };
        return {
          content: [
            { type: "text", text: `order for ${answer.content?.name} x${answer.content?.count}` },
          ],
        };
      },
    );
    return server;
  },
  { legacy: process.argv.includes("--legacy=serve") ? "serve" : "reject" },
);
