import { withMetrics } from "@/server/observability/metrics";
import { clientMetadataDocument } from "@/server/services/mcp-oauth";

export const dynamic = "force-dynamic";

/**
 * Our OAuth Client ID Metadata Document: its URL is our client id at authorization servers that
 * take them (MCP authorization), so it is public and the same for every tenant.
 */
export const GET = withMetrics("/api/mcp-oauth/client", async () =>
  Response.json(clientMetadataDocument(), {
    headers: { "cache-control": "public, max-age=3600" },
  }),
);
