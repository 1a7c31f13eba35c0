import type { SeriesUnit } from "./types";

export const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayAndHour = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
});
const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** A series value as people read it: "2,340 ms", "1.2 s", "4.1 %", "$0.0123", "17". */
export function formatValue(unit: SeriesUnit | undefined, value: number): string {
  if (!Number.isFinite(value)) return "—";
  switch (unit) {
    case "ms":
      if (Math.abs(value) < 1000) return `${whole.format(value)} ms`;
      if (Math.abs(value) < 60_000) return `${(value / 1000).toFixed(1)} s`;
      return `${(value / 60_000).toFixed(1)} min`;
    case "ratio": {
      const percent = value * 100;
      return `${Math.abs(percent) < 1 && percent !== 0 ? percent.toFixed(2) : percent.toFixed(1)} %`;
    }
    case "usd":
      return `$${Math.abs(value) < 1 ? value.toFixed(4) : value.toFixed(2)}`;
    case "count":
      return whole.format(value);
    default:
      return Number.isInteger(value) ? whole.format(value) : value.toPrecision(3);
  }
}

/** A shorter form for axis ticks: "1.2 s", "40 %", "$0.01", "12K". */
export function formatAxisValue(unit: SeriesUnit, value: number): string {
  switch (unit) {
    case "ms":
      return Math.abs(value) < 1000
        ? `${whole.format(value)} ms`
        : `${(value / 1000).toFixed(Math.abs(value) < 10_000 ? 1 : 0)} s`;
    case "ratio":
      return `${(value * 100).toFixed(Math.abs(value) < 0.1 && value !== 0 ? 1 : 0)} %`;
    case "usd":
      return `$${Math.abs(value) < 1 ? value.toFixed(Math.abs(value) < 0.01 && value !== 0 ? 4 : 2) : compact.format(value)}`;
    case "count":
      return compact.format(value);
  }
}

/** Tick labels for a time axis spanning `spanMs`: times of day, weekdays with times, or dates. */
export function timeTickFormatter(spanMs: number): (at: number) => string {
  if (spanMs <= 36 * 3_600_000) return (at) => timeOfDay.format(at);
  if (spanMs <= 8 * 86_400_000) return (at) => dayAndHour.format(at);
  return (at) => day.format(at);
}

export function formatDateTime(at: Date | number): string {
  return dateTimeFormat.format(at);
}

/** "Mar 4, 14:05": for lists, with the full date in a title. */
export function formatShortDateTime(at: Date | number): string {
  return shortDateTime.format(at);
}

/** How long from `from` to `to`, roughly: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatSpan(from: Date, to: Date): string {
  const seconds = Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
