import type { ReactNode } from "react";

/** A titled card with a fixed-height body, so charts never shift the layout while they load. */
export function ChartCard({
  title,
  children,
  height = "h-64",
}: {
  title: string;
  children: ReactNode;
  height?: string;
}) {
  return (
    <section className="rounded-xl border bg-card p-4" aria-label={title}>
      <h2 className="mb-3 text-sm font-semibold">{title}</h2>
      <div className={height}>{children}</div>
    </section>
  );
}

export function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div role="group" aria-label={label} className="rounded-xl border bg-card p-4">
      <p className="text-xs text-muted-foreground">{label}</p>
      <p
        className="mt-1 text-2xl font-semibold tabular-nums"
        data-testid={`stat-${label.toLowerCase().replace(/\s+/g, "-")}`}
      >
        {value}
      </p>
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
    </div>
  );
}

export function NoData({ message = "No runs in this range." }: { message?: string }) {
  return (
    <p className="flex h-full items-center justify-center text-sm text-muted-foreground">
      {message}
    </p>
  );
}

/** Series colours: theme variables where the theme has one, so both modes work (recharts takes any CSS colour). */
export const SERIES = [
  "var(--primary)",
  "#10b981",
  "#f59e0b",
  "var(--danger)",
  "#8b5cf6",
  "#06b6d4",
  "#ec4899",
  "#64748b",
];
