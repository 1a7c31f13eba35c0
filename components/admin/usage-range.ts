/** The usage page's ranges; usage days are UTC days, so the ranges are cut in UTC too. */
export const USAGE_RANGES = [
  { id: "7d", label: "Last 7 days" },
  { id: "30d", label: "Last 30 days" },
  { id: "90d", label: "Last 90 days" },
  { id: "this-month", label: "This month" },
  { id: "last-month", label: "Last month" },
] as const;
export type UsageRangeId = (typeof USAGE_RANGES)[number]["id"];

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const utcDay = (year: number, month: number, day: number) => new Date(Date.UTC(year, month, day));

/**
 * The first and last UTC day (both included) of a range, as the usage procedures take them.
 *
 * @example resolveUsageRange("last-month", new Date("2026-03-15T12:00:00Z")) // → { from: "2026-02-01", to: "2026-02-28" }
 */
export function resolveUsageRange(
  id: UsageRangeId,
  now: Date = new Date(),
): { from: string; to: string } {
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const today = utcDay(year, month, now.getUTCDate());
  switch (id) {
    case "this-month":
      return { from: isoDay(utcDay(year, month, 1)), to: isoDay(today) };
    case "last-month":
      return { from: isoDay(utcDay(year, month - 1, 1)), to: isoDay(utcDay(year, month, 0)) };
    default: {
      const days = Number(id.slice(0, -1));
      return { from: isoDay(utcDay(year, month, now.getUTCDate() - days + 1)), to: isoDay(today) };
    }
  }
}
