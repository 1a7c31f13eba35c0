// A real MCP server over stdio that starts and initializes, but answers every tools/list with an
// error: a check and a health probe must both call it down, for the same reason.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const server = new Server(
  { name: "broken-list", version: "1.0.0" },
  { capabilities: { tools: {} } },
);

server.setRequestHandler(ListToolsRequestSchema, async () => {
  throw new Error("the tool catalog is unavailable");
});

await server.connect(new StdioServerTransport());
