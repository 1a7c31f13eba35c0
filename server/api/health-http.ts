import { getDatabase } from "@/server/db";
import { withMetrics } from "@/server/observability/metrics";
import packageJson from "@/package.json";

/** 200 when the database answers, 503 when it does not; always says which database and version. */
export const healthApi = withMetrics("/api/health", async () => {
  let database: { status: "up" | "down"; kind?: string; error?: string };
  try {
    const db = await getDatabase();
    database = (await db.ping())
      ? { status: "up", kind: db.kind }
      : { status: "down", kind: db.kind };
  } catch (error) {
    database = { status: "down", error: error instanceof Error ? error.message : String(error) };
  }
  const ok = database.status === "up";
  return Response.json(
    { status: ok ? "ok" : "unavailable", version: packageJson.version, database },
    { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});
