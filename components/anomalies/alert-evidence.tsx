import Link from "next/link";
import { formatDateTime, formatValue } from "./format";
import type { AlertDetail, AlertItem, AlertSeries, SeriesUnit } from "./types";

/** The runs behind the alert and the points the detectors flagged, with their reasons where the series still has them. */
export function AlertEvidence({
  evidence,
  runs,
  flagged,
  unit,
}: {
  evidence: AlertItem["evidence"];
  /** The evidence runs that still exist, with their workflow and status. */
  runs: AlertDetail["evidenceRuns"];
  flagged: AlertSeries["flagged"];
  unit: SeriesUnit | undefined;
}) {
  const reasonAt = new Map(flagged.map((f) => [f.at, f.reason]));
  const points = [...evidence.points].sort((a, b) => b[0] - a[0]);
  return (
    <section aria-labelledby="evidence-title" className="rounded-xl border bg-card p-4">
      <h2 id="evidence-title" className="mb-3 text-sm font-semibold">
        Evidence
      </h2>
      <h3 className="mb-1 text-xs font-medium uppercase text-muted-foreground">Runs</h3>
      {runs.length ? (
        <ul aria-label="Runs behind the alert" className="mb-4 flex flex-wrap gap-2">
          {runs.map((run) => (
            <li key={run.id}>
              <Link
                href={`/runs/${run.id}`}
                className="inline-flex h-7 items-center gap-2 rounded-md border px-2 text-xs hover:bg-muted"
                title={run.id}
              >
                <span>{run.workflowName}</span>
                <span className="text-muted-foreground">
                  {run.status} · {formatDateTime(run.createdAt)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      ) : evidence.runIds.length ? (
        <p className="mb-4 text-sm text-muted-foreground">
          The runs behind this alert are no longer stored.
        </p>
      ) : (
        <p className="mb-4 text-sm text-muted-foreground">
          No runs recorded with this alert (queue and tenant-wide series have none).
        </p>
      )}
      <h3 className="mb-1 text-xs font-medium uppercase text-muted-foreground">Flagged points</h3>
      {points.length ? (
        <div className="max-h-64 overflow-y-auto">
          <table className="w-full text-left text-sm" aria-label="Flagged points">
            <thead className="text-xs text-muted-foreground">
              <tr>
                <th className="py-1 pr-3 font-medium">Time</th>
                <th className="py-1 pr-3 text-right font-medium">Value</th>
                <th className="py-1 font-medium">Why</th>
              </tr>
            </thead>
            <tbody className="divide-y">
              {points.map(([at, value]) => (
                <tr key={at}>
                  <td className="py-1 pr-3 whitespace-nowrap tabular-nums">{formatDateTime(at)}</td>
                  <td className="py-1 pr-3 text-right tabular-nums text-danger">
                    {formatValue(unit, value)}
                  </td>
                  <td className="py-1 text-xs text-muted-foreground">{reasonAt.get(at) ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-sm text-muted-foreground">No points recorded.</p>
      )}
    </section>
  );
}
