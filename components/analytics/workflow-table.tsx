import { formatCost, formatDuration, formatNumber } from "@/components/shared/run-format";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

interface Row {
  workflowId: string;
  name: string;
  runs: number;
  successRate: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Per workflow: runs, success rate, latency percentiles, tokens and cost. */
export function WorkflowTable({ rows }: { rows: Row[] }) {
  return (
    <section className="overflow-x-auto rounded-xl border bg-card" aria-label="By workflow">
      <table className="w-full text-sm">
        <caption className="px-4 pt-4 text-left text-sm font-semibold">By workflow</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            {["Workflow", "Runs", "Success", "p50", "p95", "p99", "Tokens", "Cost"].map((h, i) => (
              <th
                key={h}
                scope="col"
                className={
                  i === 0 ? "px-4 py-2 text-left font-medium" : "px-4 py-2 text-right font-medium"
                }
              >
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y tabular-nums">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={8} className="px-4 py-6 text-center text-muted-foreground">
                No runs in this range.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.workflowId}>
                <th scope="row" className="px-4 py-2 text-left font-medium">
                  {row.name}
                </th>
                <td className="px-4 py-2 text-right">{formatNumber(row.runs)}</td>
                <td className="px-4 py-2 text-right">
                  {row.successRate == null ? "—" : percent.format(row.successRate)}
                </td>
                <td className="px-4 py-2 text-right">{formatDuration(row.p50)}</td>
                <td className="px-4 py-2 text-right">{formatDuration(row.p95)}</td>
                <td className="px-4 py-2 text-right">{formatDuration(row.p99)}</td>
                <td className="px-4 py-2 text-right">
                  {formatNumber(row.inputTokens + row.outputTokens)}
                </td>
                <td className="px-4 py-2 text-right">{formatCost(row.costUsd)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
