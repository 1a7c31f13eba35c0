import { mcpApi } from "@/server/api/mcp-http";

/** The tenant's MCP endpoint (server/api/mcp-http.ts); `npm start` serves it through server/front-door.ts. */
export const dynamic = "force-dynamic";

export { mcpApi as GET, mcpApi as POST, mcpApi as DELETE };
