/** Mirrors db/schema RUN_STATUSES (components may not import db/). */
export const RUN_STATUSES = ["queued", "running", "waiting", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const numberFormat = new Intl.NumberFormat();
const costFormat = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD", maximumFractionDigits: 4 });

export function formatDuration(ms: number | null | undefined): string {
  if (ms == null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatTokens(input: number, output: number): string {
  return `${numberFormat.format(input + output)} tokens`;
}

export function formatCost(usd: number): string {
  return costFormat.format(usd);
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export type StepStatus = "pending" | "running" | "completed" | "failed" | "skipped" | "waiting" | "retrying";

/** Tailwind classes per status; the colours come from the theme where one exists. */
export const STATUS_STYLES: Record<RunStatus | StepStatus, { badge: string; bar: string }> = {
  pending: { badge: "bg-muted text-muted-foreground", bar: "bg-muted-foreground/30" },
  queued: { badge: "bg-muted text-muted-foreground", bar: "bg-muted-foreground/40" },
  running: { badge: "bg-primary/15 text-primary", bar: "bg-primary animate-pulse" },
  retrying: { badge: "bg-amber-500/15 text-amber-700 dark:text-amber-400", bar: "bg-amber-500 animate-pulse" },
  waiting: { badge: "bg-amber-500/15 text-amber-700 dark:text-amber-400", bar: "bg-amber-500" },
  completed: { badge: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-400", bar: "bg-emerald-500" },
  failed: { badge: "bg-danger/15 text-danger", bar: "bg-danger" },
  cancelled: { badge: "bg-muted text-muted-foreground line-through", bar: "bg-muted-foreground" },
  skipped: { badge: "bg-muted text-muted-foreground", bar: "bg-muted-foreground/30" },
};

/** Mirrors db/schema RUN_TRIGGERS: where a run came from. */
export const RUN_TRIGGERS = ["manual", "api", "webhook", "schedule", "mcp", "retry", "experiment", "evaluation"] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const TRIGGER_LABELS: Record<RunTrigger, string> = {
  manual: "Manual",
  api: "API",
  webhook: "Webhook",
  schedule: "Schedule",
  mcp: "MCP tool",
  retry: "Retry",
  experiment: "Experiment",
  evaluation: "Evaluation",
};
