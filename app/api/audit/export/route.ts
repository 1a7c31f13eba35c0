import { csvExportResponse } from "@/server/api/csv-export";
import { withMetrics } from "@/server/observability/metrics";
import { AUDIT_CSV_COLUMNS } from "@/server/services/audit";

export const dynamic = "force-dynamic";

const FILTERS = ["action", "actorUserId", "actor", "targetType", "targetId", "from", "to"] as const;

/** The audit log as CSV with the page's filters (`from`/`to` as ISO instants): `GET /api/audit/export?action=…` (audit.view). */
export const GET = withMetrics("/api/audit/export", (request: Request) => {
  const params = new URL(request.url).searchParams;
  const filters = Object.fromEntries(
    FILTERS.flatMap((key) => (params.get(key)?.trim() ? [[key, params.get(key)!.trim()]] : [])),
  );
  return csvExportResponse(request, {
    filename: `audit-log-${new Date().toISOString().slice(0, 10)}.csv`,
    columns: AUDIT_CSV_COLUMNS,
    rows: (caller) => caller.audit.export(filters),
  });
});
