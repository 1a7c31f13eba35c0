// A real MCP server over stdio for the inspector's tests, with what the Everything server lacks:
// tools whose structured output does not match their declared outputSchema (or is missing), and
// a tool that returns a resource link and an image beside its text.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const weatherSchema = {
  type: "object",
  properties: { temperature: { type: "number" }, conditions: { type: "string" } },
  required: ["temperature", "conditions"],
};
const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const server = new Server(
  { name: "inspector-test", version: "1.0.0" },
  { capabilities: { tools: {} } },
);

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: "good-weather",
      description: "Structured output that matches its schema",
      inputSchema: { type: "object", properties: {} },
      outputSchema: weatherSchema,
    },
    {
      name: "bad-weather",
      description: "Structured output that does not match its schema",
      inputSchema: { type: "object", properties: {} },
      outputSchema: weatherSchema,
    },
    {
      name: "no-weather",
      description: "Declares an output schema, returns no structured content",
      inputSchema: { type: "object", properties: {} },
      outputSchema: weatherSchema,
    },
    {
      name: "link-and-image",
      description: "A resource link and an image",
      inputSchema: { type: "object", properties: {} },
    },
  ],
}));

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  switch (request.params.name) {
    case "good-weather":
      return {
        content: [{ type: "text", text: "sunny" }],
        structuredContent: { temperature: 21, conditions: "sunny" },
      };
    case "bad-weather":
      return {
        content: [{ type: "text", text: "hot" }],
        structuredContent: { temperature: "hot" },
      };
    case "no-weather":
      return { content: [{ type: "text", text: "no structure" }] };
    case "link-and-image":
      return {
        content: [
          { type: "text", text: "here you go" },
          {
            type: "resource_link",
            uri: "demo://report/1",
            name: "report-1",
            mimeType: "text/plain",
          },
          { type: "image", data: PIXEL, mimeType: "image/png" },
        ],
      };
    default:
      return {
        isError: true,
        content: [{ type: "text", text: `no such tool ${request.params.name}` }],
      };
  }
});

await server.connect(new StdioServerTransport());
