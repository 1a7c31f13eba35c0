import { SENSITIVITIES, SENSITIVITY_TEXT, type Sensitivity } from "./settings-text";
import type { WatchedMetricInfo } from "./types";

/**
 * A sensitivity per watched metric, for series that are noisier or more critical than the rest
 * (a flaky external API's error rate, a payment workflow's failures); "As above" keeps the tenant's.
 */
export function MetricSensitivityFields({
  metrics,
  value,
  onChange,
}: {
  metrics: WatchedMetricInfo[];
  value: Record<string, Sensitivity>;
  onChange: (next: Record<string, Sensitivity>) => void;
}) {
  const set = (metric: string, level: string) => {
    const next = { ...value };
    if (level === "") delete next[metric];
    else next[metric] = level as Sensitivity;
    onChange(next);
  };
  return (
    <details className="mt-3 rounded-lg border p-3 text-sm" open={Object.keys(value).length > 0}>
      <summary className="cursor-pointer font-medium">
        Per metric ({Object.keys(value).length} set)
      </summary>
      <div className="mt-3 grid gap-2 sm:grid-cols-2">
        {metrics.map((m) => (
          <label key={m.metric} className="flex items-center justify-between gap-3">
            <span>{m.label}</span>
            <select
              aria-label={`Sensitivity of ${m.label}`}
              value={value[m.metric] ?? ""}
              onChange={(e) => set(m.metric, e.target.value)}
              className="h-8 rounded-md border bg-background px-2 text-sm"
            >
              <option value="">As above</option>
              {SENSITIVITIES.map((level) => (
                <option key={level} value={level}>
                  {SENSITIVITY_TEXT[level].label}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </details>
  );
}
