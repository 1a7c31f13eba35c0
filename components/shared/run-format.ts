/** Mirrors db/schema RUN_STATUSES (components may not import db/). */
export const RUN_STATUSES = [
  "queued",
  "running",
  "waiting",
  "completed",
  "failed",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});
const numberFormat = new Intl.NumberFormat();
const costFormat = new Intl.NumberFormat(undefined, {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 4,
});

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

/**
 * A cost as people read it. Tokens spent on a model without a known price make it "unknown"
 * (never $0.00), or "$0.12 + unpriced" when part of it is known.
 */
export function formatCost(usd: number, unpricedTokens = 0): string {
  if (unpricedTokens <= 0) return costFormat.format(usd);
  return usd > 0 ? `${costFormat.format(usd)} + unpriced` : "unknown";
}

/** Why a cost reads "unknown": for a tooltip beside it. */
export function unpricedNote(unpricedTokens: number): string | undefined {
  if (unpricedTokens <= 0) return undefined;
  return `${numberFormat.format(unpricedTokens)} tokens went to models without a price: an admin can set their prices under Admin → LLM providers.`;
}

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export type StepStatus =
  "pending" | "running" | "completed" | "failed" | "skipped" | "waiting" | "retrying";

/** Tailwind classes per status; the colours come from the theme where one exists. */
export const STATUS_STYLES: Record<RunStatus | StepStatus, { badge: string; bar: string }> = {
  pending: { badge: "bg-muted text-muted-foreground", bar: "bg-muted-foreground/30" },
  queued: { badge: "bg-muted text-muted-foreground", bar: "bg-muted-foreground/40" },
  running: { badge: "bg-primary/15 text-primary", bar: "bg-primary animate-pulse" },
  retrying: {
    badge: "bg-amber-500/15 text-amber-700 dark:text-amber-400",
    bar: "bg-amber-500 animate-pulse",
  },
  waiting: { badge: "bg-amber-500/15 text-amber-700 dark:text-amber-400", bar: "bg-amber-500" },
  completed: {
    badge: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-400",
    bar: "bg-emerald-500",
  },
  failed: { badge: "bg-danger/15 text-danger", bar: "bg-danger" },
  cancelled: { badge: "bg-muted text-muted-foreground line-through", bar: "bg-muted-foreground" },
  skipped: { badge: "bg-muted text-muted-foreground", bar: "bg-muted-foreground/30" },
};

/** Mirrors db/schema RUN_TRIGGERS: where a run came from. */
export const RUN_TRIGGERS = [
  "manual",
  "api",
  "webhook",
  "schedule",
  "mcp",
  "retry",
  "experiment",
  "evaluation",
] as const;
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
