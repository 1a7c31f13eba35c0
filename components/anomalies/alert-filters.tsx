"use client";

import type { AlertSeverity, AlertStatus, WatchedMetricInfo } from "./types";

export type StatusFilter = AlertStatus | "active" | "all";

export interface AlertFilterValues {
  status: StatusFilter;
  severity: AlertSeverity | "";
  metric: string;
}

export const DEFAULT_FILTER: AlertFilterValues = { status: "active", severity: "", metric: "" };

const STATUS_OPTIONS: { value: StatusFilter; label: string }[] = [
  { value: "active", label: "Active (open or acknowledged)" },
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All statuses" },
];

const selectClass = "h-9 rounded-md border bg-card px-2 text-sm";

/** The alert list's filters: status (active by default), severity, watched metric. */
export function AlertFilters({
  value,
  onChange,
  metrics,
}: {
  value: AlertFilterValues;
  onChange: (value: AlertFilterValues) => void;
  metrics: WatchedMetricInfo[];
}) {
  return (
    <div className="mb-4 flex flex-wrap items-center gap-3" role="group" aria-label="Filters">
      <select
        aria-label="Status"
        className={selectClass}
        value={value.status}
        onChange={(e) => onChange({ ...value, status: e.target.value as StatusFilter })}
      >
        {STATUS_OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Severity"
        className={selectClass}
        value={value.severity}
        onChange={(e) =>
          onChange({ ...value, severity: e.target.value as AlertFilterValues["severity"] })
        }
      >
        <option value="">All severities</option>
        <option value="critical">Critical</option>
        <option value="warning">Warning</option>
      </select>
      <select
        aria-label="Metric"
        className={selectClass}
        value={value.metric}
        onChange={(e) => onChange({ ...value, metric: e.target.value })}
      >
        <option value="">All metrics</option>
        {metrics.map((m) => (
          <option key={m.metric} value={m.metric}>
            {m.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function isDefaultFilter(value: AlertFilterValues): boolean {
  return value.status === DEFAULT_FILTER.status && value.severity === "" && value.metric === "";
}
