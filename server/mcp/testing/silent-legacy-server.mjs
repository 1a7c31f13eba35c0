// A 2025-era MCP server over stdio (SDK 1.x) that never answers a request it does not know, as
// some servers in the wild do: the server/discover probe gets no answer, so the client must fall
// back to initialize after its probe timeout, on the same process. Requests seen go to stderr.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const server = new Server(
  { name: "silent-legacy", version: "1.0.0" },
  { capabilities: { tools: {} } },
);
server.fallbackRequestHandler = (request) => {
  process.stderr.write(`ignored ${request.method}\n`);
  return new Promise(() => {});
};
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [{ name: "hello", inputSchema: { type: "object", properties: {} } }],
}));
server.setRequestHandler(CallToolRequestSchema, async () => ({
  content: [{ type: "text", text: `hello from pid ${process.pid}` }],
}));
await server.connect(new StdioServerTransport());
