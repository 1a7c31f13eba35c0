import { handleOAuthCallback } from "@/server/api/mcp-oauth-callback";
import { withMetrics } from "@/server/observability/metrics";

export const dynamic = "force-dynamic";

/** Where authorization servers send the browser back after an MCP server's OAuth sign-in. */
export const GET = withMetrics("/api/mcp-oauth/callback", (request: Request) =>
  handleOAuthCallback(request),
);
