import Link from "next/link";
import type { ReactNode } from "react";
import { AlertStatusBadge, SeverityBadge } from "./alert-badges";
import { formatDateTime, formatShortDateTime, formatSpan, formatValue } from "./format";
import type { AlertItem, SeriesUnit, WatchedMetricInfo } from "./types";

/** The alert's title, badges and actions, what happened in words, and when. */
export function AlertHeader({
  alert,
  unit,
  metric,
  actions,
  byName,
}: {
  alert: AlertItem;
  /** Who acknowledged or resolved it by hand, when known. */
  byName?: { acknowledged: string | null; resolved: string | null };
  /** Undefined when the metric is no longer watched: values show as plain numbers. */
  unit: SeriesUnit | undefined;
  metric: WatchedMetricInfo | undefined;
  actions: ReactNode;
}) {
  const format = (v: number) => formatValue(unit, v);
  const metricLabel = metric?.label ?? alert.metric;
  const subject =
    metric?.source === "workflow" ? (
      <Link href={`/workflows/${alert.subject}`} className="underline underline-offset-2">
        {alert.subjectLabel}
      </Link>
    ) : (
      alert.subjectLabel
    );

  return (
    <header className="mb-6 space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex min-w-0 flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{alert.title}</h1>
          <SeverityBadge severity={alert.severity} />
          <AlertStatusBadge status={alert.status} />
        </div>
        {actions}
      </div>
      <div className="space-y-1 text-sm" data-testid="alert-reason">
        <p>{alert.reason}</p>
        <p className="text-muted-foreground">
          {metricLabel} of {subject} reached {format(alert.value)}, where {format(alert.bandLow)} to{" "}
          {format(alert.bandHigh)} was expected ({alert.score.toFixed(1)} deviations off).{" "}
          {statusInWords(alert)}
        </p>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-2 rounded-xl border bg-card p-4 text-sm sm:grid-cols-3 lg:grid-cols-6">
        <Item label="Metric" value={metricLabel} />
        <Item label="Subject" value={subject} />
        <Item label="Started" value={<When at={alert.startedAt} />} />
        <Item label="Last seen" value={<When at={alert.lastSeenAt} />} />
        <Item
          label="Anomalous points"
          value={`${alert.occurrences} over ${formatSpan(alert.startedAt, alert.lastSeenAt)}`}
        />
        <Item
          label={alert.resolvedAt ? "Resolved" : "Acknowledged"}
          value={
            alert.resolvedAt ? (
              <>
                <When at={alert.resolvedAt} />
                {byName?.resolved
                  ? ` by ${byName.resolved}`
                  : alert.resolution === "auto"
                    ? " (on its own)"
                    : ""}
              </>
            ) : alert.acknowledgedAt ? (
              <>
                <When at={alert.acknowledgedAt} />
                {byName?.acknowledged ? ` by ${byName.acknowledged}` : ""}
              </>
            ) : (
              "Not yet"
            )
          }
        />
      </dl>
    </header>
  );
}

function statusInWords(alert: AlertItem): string {
  if (alert.status === "resolved") {
    const how =
      alert.resolution === "auto" ? "on its own: the series came back inside its band" : "by hand";
    return `Resolved ${how}${alert.resolvedAt ? ` on ${formatDateTime(alert.resolvedAt)}` : ""}.`;
  }
  if (alert.status === "acknowledged")
    return `Acknowledged${alert.acknowledgedAt ? ` on ${formatDateTime(alert.acknowledgedAt)}` : ""}. It resolves on its own once the series is back inside its band.`;
  return "Open: nobody has acknowledged it yet.";
}

function When({ at }: { at: Date }) {
  return (
    <time dateTime={at.toISOString()} title={formatDateTime(at)}>
      {formatShortDateTime(at)}
    </time>
  );
}

function Item({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="truncate tabular-nums">{value}</dd>
    </div>
  );
}
