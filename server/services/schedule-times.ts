import { Cron } from "croner";

/**
 * When schedules fire: cron expressions in a time zone (croner), the next fire times, and what
 * to do with fires missed while no scheduler ran. Pure functions of their arguments (the clock is
 * a parameter), so DST changes and downtime are tested without waiting.
 *
 * Expressions have five fields (minute precision) or a nickname (`@daily`): a schedule firing
 * every second would be a load test, not a schedule.
 */

/** A fire up to this late is on time; later, the scheduler was down and the misfire policy decides. */
export const MISFIRE_GRACE_MS = 60_000;
/** The longest expression kept (five fields with lists fit easily). */
export const MAX_CRON_LENGTH = 120;

export type MisfirePolicy = "skip" | "run-once";

function cronOf(cron: string, timezone: string): Cron {
  // A Cron made without a function never schedules a timer: it only answers questions.
  return new Cron(cron.trim(), { timezone, mode: "5-part" });
}

/**
 * The IANA name of a time zone as the runtime spells it, or undefined when it knows no such zone.
 * @example canonicalTimezone("europe/berlin") // → "Europe/Berlin"
 */
export function canonicalTimezone(timezone: string): string | undefined {
  if (!timezone.trim()) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: timezone.trim() }).resolvedOptions()
      .timeZone;
  } catch {
    return undefined;
  }
}

/** What is wrong with an expression and time zone, per field, or null when they make a schedule that fires. */
export function checkSchedule(
  cron: string,
  timezone: string,
): { field: "cron" | "timezone"; message: string } | null {
  const zone = canonicalTimezone(timezone);
  if (!zone)
    return {
      field: "timezone",
      message: `"${timezone}" is not a time zone: pick one such as Europe/Berlin or UTC`,
    };
  if (!cron.trim())
    return { field: "cron", message: "Write a cron expression, such as 0 9 * * 1-5" };
  let job: Cron;
  try {
    job = cronOf(cron, zone);
  } catch (error) {
    // croner's messages name the part that is wrong ("Invalid value for minute: 61"); its class prefix does not help.
    const reason =
      error instanceof Error ? error.message.replace(/^CronPattern:\s*/, "") : String(error);
    return {
      field: "cron",
      message: `Not a cron expression of five fields (minute hour day month weekday): ${reason}`,
    };
  }
  if (!job.nextRun())
    return { field: "cron", message: "This expression never fires (no such date)" };
  return null;
}

/**
 * The next `count` fire times strictly after `after`.
 * @example nextFireTimes("0 9 * * 1-5", "Europe/Berlin", 2, new Date("2026-03-27T00:00:00Z"))
 *   // → [2026-03-27T08:00:00Z, 2026-03-30T07:00:00Z] (summer time began in between)
 */
export function nextFireTimes(cron: string, timezone: string, count: number, after: Date): Date[] {
  return cronOf(cron, timezone).nextRuns(count, after);
}

/** The first fire strictly after `after`, or null when the expression never fires again. */
export function nextFireAfter(cron: string, timezone: string, after: Date): Date | null {
  return cronOf(cron, timezone).nextRun(after);
}

/** The latest fire at or before `at`, if any. */
function lastFireAtOrBefore(job: Cron, at: Date): Date | undefined {
  // croner's previous runs are strictly before whole seconds: look from the next second.
  const [last] = job.previousRuns(1, new Date(Math.floor(at.getTime() / 1000) * 1000 + 1000));
  return last && last.getTime() <= at.getTime() ? last : undefined;
}

/** How many fires fall in [from, to], counted up to `cap` (for the log line of a misfire). */
function countFires(job: Cron, from: Date, to: Date, cap = 1000): number {
  let count = 0;
  for (
    let at: Date | null = new Date(from.getTime() - 1);
    (at = job.nextRun(at)) && at.getTime() <= to.getTime() && count < cap;
  )
    count++;
  return count;
}

export interface FireDecision {
  /** The fire to run now (its time names the run's idempotency key), or null to run nothing. */
  fireAt: Date | null;
  /** When the schedule is due next: the first fire after `now` (null: never again). */
  nextFireAt: Date | null;
  /** Fires that were due and are not run (downtime longer than the grace). */
  missed: number;
}

/**
 * What a scheduler does with a schedule due at `dueAt`, at `now`. On time (within the grace):
 * fire it. Later than that, the scheduler was down: `skip` runs nothing and moves on to the next
 * future time; `run-once` runs once for all the missed fires (as the latest of them) and moves on.
 * Either way one decision covers every missed fire, so a long outage never becomes a burst of runs.
 * @example decideFire({ cron: "0 * * * *", timezone: "UTC", misfire: "skip", dueAt: 09:00, now: 12:30 })
 *   // → { fireAt: null, nextFireAt: 13:00, missed: 4 }
 */
export function decideFire(input: {
  cron: string;
  timezone: string;
  misfire: MisfirePolicy;
  dueAt: Date;
  now: Date;
  graceMs?: number;
}): FireDecision {
  const job = cronOf(input.cron, input.timezone);
  const nextFireAt = job.nextRun(input.now);
  const lateMs = input.now.getTime() - input.dueAt.getTime();
  if (lateMs <= (input.graceMs ?? MISFIRE_GRACE_MS))
    return { fireAt: input.dueAt, nextFireAt, missed: 0 };
  const missed = countFires(job, input.dueAt, input.now);
  if (input.misfire === "skip") return { fireAt: null, nextFireAt, missed };
  // The schedule may have been edited while due: the latest time it would have fired, else the due time.
  const fireAt = lastFireAtOrBefore(job, input.now) ?? input.dueAt;
  return { fireAt, nextFireAt, missed: Math.max(0, missed - 1) };
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const NICKNAMES: Record<string, string> = {
  "@yearly": "Every year on 1 January at 00:00",
  "@annually": "Every year on 1 January at 00:00",
  "@monthly": "On the 1st of every month at 00:00",
  "@weekly": "Every Sunday at 00:00",
  "@daily": "Every day at 00:00",
  "@midnight": "Every day at 00:00",
  "@hourly": "Every hour, on the hour",
};

const isNumber = (part: string) => /^\d{1,2}$/.test(part);
const twoDigits = (part: string) => part.padStart(2, "0");

/**
 * A common expression in words, or null for one this does not know (the list shows the expression).
 * @example describeCron("0 9 * * 1-5") // → "Every weekday at 09:00"
 */
export function describeCron(cron: string): string | null {
  const text = cron.trim().replace(/\s+/g, " ").toLowerCase();
  if (NICKNAMES[text]) return NICKNAMES[text];
  const parts = text.split(" ");
  if (parts.length !== 5) return null;
  const [minute, hour, day, month, weekday] = parts as [string, string, string, string, string];
  if (month !== "*") return null;
  const everyDay = day === "*" && weekday === "*";
  if (everyDay && hour === "*") {
    if (minute === "*") return "Every minute";
    const step = /^\*\/(\d+)$/.exec(minute)?.[1];
    if (step) return `Every ${step} minutes`;
    if (isNumber(minute))
      return minute === "0" ? "Every hour, on the hour" : `Every hour at minute ${Number(minute)}`;
    return null;
  }
  const hourStep = /^\*\/(\d+)$/.exec(hour)?.[1];
  if (everyDay && hourStep && isNumber(minute))
    return `Every ${hourStep} hours at minute ${Number(minute)}`;
  if (!isNumber(minute) || !isNumber(hour)) return null;
  const time = `${twoDigits(hour)}:${twoDigits(minute)}`;
  if (everyDay) return `Every day at ${time}`;
  if (day === "*") {
    if (weekday === "1-5" || weekday === "mon-fri") return `Every weekday at ${time}`;
    if (["0,6", "6,0", "sat,sun", "sun,sat", "6,7"].includes(weekday))
      return `Every Saturday and Sunday at ${time}`;
    if (/^[0-7]$/.test(weekday)) return `Every ${WEEKDAYS[Number(weekday) % 7]} at ${time}`;
    return null;
  }
  if (weekday === "*" && isNumber(day)) return `On day ${Number(day)} of every month at ${time}`;
  return null;
}
