import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

export type LimitItem = inferRouterOutputs<AppRouter>["limits"]["get"]["limits"][number];
export type LimitKey = LimitItem["key"];

/** How the page names each limit, its unit, and what its use counts. */
export const LIMIT_TEXT: Record<
  LimitKey,
  { label: string; unit: string; description: string; usedLabel: string }
> = {
  maxConcurrentRuns: {
    label: "Concurrent runs",
    unit: "at once",
    description: "Runs queued or running at the same time.",
    usedLabel: "queued or running now",
  },
  maxRunsPerDay: {
    label: "Runs per day",
    unit: "runs",
    description: "Runs started per day (UTC), retries included.",
    usedLabel: "started today",
  },
  maxTokensPerMonth: {
    label: "LLM tokens per month",
    unit: "tokens",
    description: "Tokens in and out of every run started this calendar month (UTC).",
    usedLabel: "used this month",
  },
  requestsPerMinutePerUser: {
    label: "Requests per member",
    unit: "per minute",
    description: "API requests each member may make per minute in the app.",
    usedLabel: "made by you this minute",
  },
  requestsPerMinutePerToken: {
    label: "Requests per API token",
    unit: "per minute",
    description: "API requests each API token may make per minute.",
    usedLabel: "",
  },
};

export function formatLimit(value: number | null, unit: string): string {
  return value === null ? "Unlimited" : `${value.toLocaleString()} ${unit}`;
}
