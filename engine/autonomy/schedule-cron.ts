import {
  listText,
  ordinalText,
  timeText,
  WEEKDAY_NAMES,
  WORKDAYS,
  type Unit,
} from "./trigger-words";

/**
 * Writes what the time grammar (detect-schedule.ts) read as cron: five fields and a description in
 * words, filling in what the task left out (the hour, the weekday, the day of the month) and saying
 * so. A recurrence that one cron expression cannot hold ("every 90 minutes", "every 2 weeks", "the
 * first Monday of the month") gives nothing: the user sets it by hand.
 */

export type ScheduleReading = {
  cron: string;
  timezone?: string;
  description: string;
  /** What the grammar filled in because the task did not say it ("9:00 for “morning”"). */
  assumed: string[];
  /** The words the schedule was read from, as written. */
  phrase: string;
};

export type Time = { hour: number; minute: number };
export type Reading = {
  every?: { n: number; unit: Unit };
  /** "twice a day": how many times per `every`. */
  count: number;
  isQuarterly: boolean;
  times: Time[];
  partOfDay?: { word: string; hour: number };
  days?: Set<number>;
  dayOfMonth?: number;
  window?: [number, number];
  timezone?: string;
  isRecurring: boolean;
  /** A recurrence cron cannot write (seconds, "every 2 weeks", "the end of the month"): no schedule. */
  isUnsupported: boolean;
  assumed: string[];
  from: number;
  to: number;
};

/** Cron's day-of-week field: "1-5" for a run of three or more days, else a list. */
function daysField(days: readonly number[]): string {
  if (days.length >= 3 && days.every((d, k) => k === 0 || d === days[k - 1]! + 1))
    return `${days[0]}-${days[days.length - 1]}`;
  return days.join(",");
}

function daysText(days: readonly number[], lead: "every" | "on"): string {
  if (days.length === 5 && daysField(days) === "1-5")
    return lead === "every" ? "every weekday" : "on weekdays";
  if (days.length === 2 && days[0] === 0 && days[1] === 6) return "on weekends";
  if (days.length === 7) return "every day";
  const names = days.map((d) => WEEKDAY_NAMES[d] as string);
  return lead === "every"
    ? `every ${listText(names)}`
    : `on ${listText(names.map((n) => `${n}s`))}`;
}

/** `count` times spread over the working day: 2 → 9:00 and 17:00, 3 → 9:00, 13:00 and 17:00. */
function spreadHours(count: number): number[] {
  if (count <= 1) return [9];
  if (count <= 9)
    return Array.from({ length: count }, (_, k) => 9 + Math.round((k * 8) / (count - 1)));
  return [];
}

/** Turns a clause's reading into cron expressions (one per distinct minute), or nothing. */
export function composeSchedule(r: Reading, phrase: string): ScheduleReading[] {
  if (!r.isRecurring || r.isUnsupported) return [];
  const days = r.days ? [...r.days].sort((a, b) => a - b) : undefined;
  const assumed = [...r.assumed];
  let every =
    r.every ??
    (r.dayOfMonth !== undefined
      ? { n: 1, unit: "month" as const }
      : { n: 1, unit: "day" as const });
  if (every.unit === "minute" && every.n >= 60 && every.n % 60 === 0)
    every = { n: every.n / 60, unit: "hour" };
  if (every.unit === "hour" && every.n >= 24 && every.n % 24 === 0)
    every = { n: every.n / 24, unit: "day" };
  if (every.unit === "week" && every.n === 7) every = { n: 1, unit: "week" };
  if (every.unit === "hour" && r.count > 1) {
    if (60 % r.count !== 0) return [];
    every = { n: 60 / r.count, unit: "minute" };
  }
  const dow = days ? daysField(days) : "*";
  const on = days ? ` ${daysText(days, "on")}` : "";
  const zone = r.timezone ? ` ${r.timezone}` : "";
  const base = { ...(r.timezone ? { timezone: r.timezone } : {}), assumed, phrase };

  if (every.unit === "minute" || every.unit === "hour") {
    const n = every.n;
    if (n < 1 || (every.unit === "minute" ? n >= 60 : n >= 24)) return [];
    const [a, b] = r.window ?? [0, 0];
    const within = r.window ? ` between ${timeText(a, 0)} and ${timeText(b, 0)}` : "";
    const name =
      every.unit === "minute"
        ? n === 1
          ? "minute"
          : `${n} minutes`
        : n === 1
          ? "hour"
          : `${n} hours`;
    const step = n === 1 ? "*" : `*/${n}`;
    const cron =
      every.unit === "minute"
        ? `${step} ${r.window ? `${a}-${b - 1}` : "*"} * * ${dow}`
        : `${r.times[0]?.minute ?? 0} ${r.window ? `${a}-${b}${n === 1 ? "" : `/${n}`}` : step} * * ${dow}`;
    return [{ ...base, cron, description: `every ${name}${within}${on}${zone}` }];
  }

  // Days, weeks, months, years: at some time of day.
  let times = r.times;
  if (times.length === 0) {
    if (r.partOfDay) {
      times = [{ hour: r.partOfDay.hour, minute: 0 }];
      assumed.push(`${timeText(r.partOfDay.hour, 0)} for “${r.partOfDay.word}”`);
    } else if (r.count > 1 && every.unit === "day") {
      const hours = spreadHours(r.count);
      if (hours.length === 0) return [];
      times = hours.map((hour) => ({ hour, minute: 0 }));
      assumed.push(`${listText(hours.map((h) => timeText(h, 0)))} for “${r.count} times a day”`);
    } else {
      times = [{ hour: 9, minute: 0 }];
      assumed.push("9:00, as the task names no time");
    }
  }
  let dayOfMonth = "*";
  let month = "*";
  let weekday = dow;
  let when: string;
  if (every.unit === "day") {
    if (every.n > 1) {
      if (every.n > 28) return [];
      dayOfMonth = `*/${every.n}`;
      weekday = "*";
      assumed.push("counting restarts on the 1st of each month");
    }
    when =
      every.n === 2
        ? "every other day"
        : every.n > 1
          ? `every ${every.n} days`
          : days
            ? daysText(days, "every")
            : "every day";
  } else if (every.unit === "week") {
    if (every.n !== 1) return [];
    let weekDays = days;
    if (r.count > 1) {
      const spread: Record<number, number[]> = { 2: [1, 4], 3: [1, 3, 5], 5: [...WORKDAYS] };
      weekDays = spread[r.count];
      if (!weekDays) return [];
      assumed.push(
        `${listText(weekDays.map((d) => WEEKDAY_NAMES[d] as string))} for “${r.count} times a week”`,
      );
    } else if (!weekDays) {
      weekDays = [1];
      assumed.push("Monday for “every week”");
    }
    weekday = daysField(weekDays);
    when = daysText(weekDays, "every");
  } else {
    if (days) return []; // "the first Monday of the month": not one cron field
    const day = r.dayOfMonth ?? 1;
    if (r.dayOfMonth === undefined)
      assumed.push(
        every.unit === "year"
          ? "1 January for “every year”"
          : r.isQuarterly
            ? "the 1st of the quarter's first month"
            : "the 1st for “every month”",
      );
    if (r.dayOfMonth !== undefined && r.dayOfMonth > 28)
      assumed.push(`months without a ${ordinalText(r.dayOfMonth)} are skipped`);
    weekday = "*";
    if (every.unit === "year") {
      if (every.n !== 1) return [];
      dayOfMonth = String(day);
      month = "1";
      when = `every year on ${day} January`;
    } else if (r.isQuarterly) {
      dayOfMonth = String(day);
      month = "*/3";
      when = `on the ${ordinalText(day)} of January, April, July and October`;
    } else {
      if (![1, 2, 3, 4, 6].includes(every.n)) return [];
      const perMonth = r.count === 2 ? [1, 15] : [day];
      if (r.count === 2) assumed.push("the 1st and 15th for “twice a month”");
      else if (r.count > 2) return [];
      dayOfMonth = perMonth.join(",");
      month = every.n === 1 ? "*" : `*/${every.n}`;
      when = `on the ${listText(perMonth.map(ordinalText))} of every ${every.n === 1 ? "month" : `${every.n} months`}`;
    }
  }
  const byMinute = new Map<number, number[]>();
  for (const { hour, minute } of times) {
    const hours = byMinute.get(minute) ?? [];
    if (!hours.includes(hour)) hours.push(hour);
    byMinute.set(minute, hours);
  }
  return [...byMinute].map(([minute, hours]) => ({
    ...base,
    cron: `${minute} ${hours.sort((a, b) => a - b).join(",")} ${dayOfMonth} ${month} ${weekday}`,
    description: `${when} at ${listText(hours.map((h) => timeText(h, minute)))}${zone}`,
  }));
}
