import { csvExportResponse } from "@/server/api/csv-export";
import { withMetrics } from "@/server/observability/metrics";
import { USAGE_CSV_COLUMNS } from "@/server/services/usage";

export const dynamic = "force-dynamic";

/** The billing CSV: one line per run that ended in the range. `GET /api/usage/export?from=YYYY-MM-DD&to=YYYY-MM-DD` (usage.view). */
export const GET = withMetrics("/api/usage/export", (request: Request) => {
  const params = new URL(request.url).searchParams;
  const range = { from: params.get("from") ?? "", to: params.get("to") ?? "" };
  return csvExportResponse(request, {
    filename: `usage-${range.from}-to-${range.to}.csv`,
    columns: USAGE_CSV_COLUMNS,
    rows: (caller) => caller.usage.export(range),
  });
});
