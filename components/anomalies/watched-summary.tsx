import type { WatchedMetricInfo } from "./types";

/** Where each rollup source's series come from, in words (mirrors db/schema ROLLUP_SOURCES). */
const SOURCE_LABELS: Record<string, string> = {
  workflow: "Each workflow",
  node_kind: "Each step kind",
  mcp: "Each MCP server",
  tenant: "The whole tenant",
  queue: "The run queue",
};

/** What the anomaly watcher looks at, grouped by what it is measured on: the empty list's explanation. */
export function WatchedSummary({ metrics }: { metrics: WatchedMetricInfo[] }) {
  if (metrics.length === 0) return null;
  const bySource = new Map<string, string[]>();
  for (const m of metrics) bySource.set(m.source, [...(bySource.get(m.source) ?? []), m.label]);
  return (
    <dl
      className="grid max-w-xl gap-x-4 gap-y-1 text-left text-sm sm:grid-cols-[10rem_1fr]"
      aria-label="Watched series"
    >
      {[...bySource].map(([source, labels]) => (
        <div key={source} className="contents">
          <dt className="font-medium">{SOURCE_LABELS[source] ?? source}</dt>
          <dd className="text-muted-foreground">{labels.join(", ")}</dd>
        </div>
      ))}
    </dl>
  );
}
