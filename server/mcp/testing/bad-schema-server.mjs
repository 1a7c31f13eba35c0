// A real MCP server over stdio whose listing has one tool with a broken input schema, beside good
// ones: the pool must mark that one tool unusable and keep the others working.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const server = new Server(
  { name: "bad-schema", version: "1.0.0" },
  { capabilities: { tools: {} } },
);

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "ok", description: "Answers ok", inputSchema: { type: "object", properties: {} } },
    {
      name: "broken",
      description: "Its schema is not an object schema",
      inputSchema: { type: "string" },
    },
    {
      name: "dangling",
      description: "Its schema points nowhere",
      inputSchema: { type: "object", properties: { a: { $ref: "#/$defs/missing" } } },
    },
    {
      name: "double",
      description: "Doubles a number",
      inputSchema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] },
    },
  ],
}));

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args = {} } = request.params;
  if (name === "ok") return { content: [{ type: "text", text: "ok" }] };
  if (name === "double") return { content: [{ type: "text", text: String(Number(args.n) * 2) }] };
  return { isError: true, content: [{ type: "text", text: `no such tool ${name}` }] };
});

await server.connect(new StdioServerTransport());
