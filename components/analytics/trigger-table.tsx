import { formatNumber, type RunTrigger } from "@/components/shared/run-format";
import { TriggerBadge } from "@/components/shared/trigger-badge";

const percent = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

interface Row {
  trigger: RunTrigger;
  runs: number;
  finished: number;
  failed: number;
  successRate: number | null;
}

/** Per trigger: runs with their share of the window (a bar), failures and success rate of finished runs. */
export function TriggerTable({ rows }: { rows: Row[] }) {
  const total = rows.reduce((sum, row) => sum + row.runs, 0);
  return (
    <section className="overflow-x-auto rounded-xl border bg-card" aria-label="By trigger">
      <table className="w-full text-sm">
        <caption className="px-4 pt-4 text-left text-sm font-semibold">By trigger</caption>
        <thead className="text-xs text-muted-foreground">
          <tr className="border-b">
            {["Trigger", "Runs", "Share", "Failed", "Success"].map((h, i) => (
              <th
                key={h}
                scope="col"
                className={
                  i === 0 || i === 2
                    ? "px-4 py-2 text-left font-medium"
                    : "px-4 py-2 text-right font-medium"
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
              <td colSpan={5} className="px-4 py-6 text-center text-muted-foreground">
                No runs in this range.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.trigger}>
                <th scope="row" className="px-4 py-2 text-left font-medium">
                  <TriggerBadge trigger={row.trigger} className="text-sm text-foreground" />
                </th>
                <td className="px-4 py-2 text-right">{formatNumber(row.runs)}</td>
                <td className="w-1/3 px-4 py-2">
                  <div className="h-2 rounded-full bg-muted" aria-hidden>
                    <div
                      className="h-2 rounded-full bg-primary"
                      style={{ width: `${total ? (row.runs / total) * 100 : 0}%` }}
                    />
                  </div>
                  <span className="sr-only">{total ? percent.format(row.runs / total) : "—"}</span>
                </td>
                <td className="px-4 py-2 text-right">{formatNumber(row.failed)}</td>
                <td className="px-4 py-2 text-right">
                  {row.successRate == null ? "—" : percent.format(row.successRate)}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
