import { composeSchedule, type Reading, type ScheduleReading, type Time } from "./schedule-cron";
import {
  daySetOf,
  numberOf,
  ordinalOf,
  PARTS_OF_DAY,
  quote,
  timeText,
  unitOf,
  weekdayOf,
  WORKDAYS,
  type Sentence,
  type Token,
  type Unit,
} from "./trigger-words";

export type { ScheduleReading } from "./schedule-cron";

/**
 * A small grammar over time expressions: a recurrence ("every N units", "every Monday", "each
 * morning", "daily", "once a week", "on weekdays", "on the 1st of every month") with modifiers that
 * may stand anywhere in the same clause (a time of day "at 9:30 pm", a part of the day, days "on
 * Mondays and Fridays" or "Monday to Friday", an hour window "during business hours", "UTC").
 * Without a recurrence nothing is read: "at 9 tomorrow" or "on Monday" is one moment, not a schedule.
 * Adjectives are not recurrences: "the weekly report", "a daily standup summary" name a kind of
 * thing, so "daily" counts only where it says when ("…daily", "daily at 8", "on a daily basis").
 */

const ADVERBS: Readonly<Record<string, { unit: Unit; partOfDay?: string; isQuarterly?: boolean }>> =
  {
    hourly: { unit: "hour" },
    daily: { unit: "day" },
    everyday: { unit: "day" },
    nightly: { unit: "day", partOfDay: "night" },
    weekly: { unit: "week" },
    monthly: { unit: "month" },
    quarterly: { unit: "month", isQuarterly: true },
    yearly: { unit: "year" },
    annually: { unit: "year" },
  };
/** Words after "daily" that show it says when, not what kind ("daily at 8" but "daily summary"). */
const AFTER_ADVERB = new Set([
  "at",
  "on",
  "in",
  "from",
  "between",
  "during",
  "and",
  "or",
  "then",
  "before",
  "after",
  "until",
  "except",
  ",",
  "-",
  "basis",
  "starting",
  "around",
  "by",
  "to",
  "into",
  "via",
  "for",
  "please",
  "utc",
  "gmt",
]);
/** "each day of the log", "every hour in this file": going through items, not a schedule. */
const DETERMINERS = new Set([
  "the",
  "this",
  "that",
  "these",
  "those",
  "my",
  "our",
  "your",
  "their",
  "its",
  "a",
  "an",
  "each",
  "every",
]);
const PERIOD_WORDS = new Set(["week", "month", "year"]);
const RANGE_WORDS = new Set(["to", "through", "thru", "till", "until", "-"]);
const LIST_WORDS = new Set(["and", ",", "or"]);
const RETRY_WORDS = new Set([
  "retry",
  "retries",
  "retrying",
  "retried",
  "wait",
  "waits",
  "waiting",
  "timeout",
]);
const NOT_AFTER_HOUR = new Set([
  "percent",
  "per",
  "of",
  "more",
  "most",
  "least",
  "degrees",
  "people",
  "times",
  "x",
]);
/** What may follow a bare hour ("at 9"), so "at 3 sites" is not a time. */
const AFTER_BARE_HOUR = new Set([
  "and",
  ",",
  "every",
  "each",
  "on",
  "in",
  "daily",
  "sharp",
  "utc",
  "gmt",
  "-",
  "to",
  "until",
  "till",
  "then",
  "from",
  "local",
  "our",
  "their",
  "your",
  "my",
]);

const words = (s: Sentence, i: number) => s.tokens[i]?.word;

const MONTHS = new Set([
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
]);
/** "every Monday in March", "each Friday of 2025": dates to list, not a schedule. */
const isDateSet = (s: Sentence, k: number) =>
  (words(s, k) === "in" || words(s, k) === "of" || words(s, k) === "between") &&
  (MONTHS.has(words(s, k + 1) ?? "") || /^\d{4}$/.test(words(s, k + 1) ?? ""));

/** "Mondays at 9", "Fridays, …" open a schedule; "Fridays are busy" does not. */
function opensSchedule(s: Sentence, weekdays: ReturnType<typeof readWeekdays>) {
  const next = weekdays ? words(s, weekdays.end) : undefined;
  return next === undefined ||
    next === "," ||
    next === "at" ||
    next === "around" ||
    PARTS_OF_DAY[next] !== undefined
    ? weekdays
    : undefined;
}

/** A time at token i: "9:30", "9 pm", "noon", "9 o'clock", a bare hour where nothing else fits. */
function readTime(
  tokens: readonly Token[],
  i: number,
  assumed: string[],
): { time: Time; length: number } | undefined {
  const word = tokens[i]?.word;
  if (!word) return undefined;
  if (word === "noon" || word === "midday") return { time: { hour: 12, minute: 0 }, length: 1 };
  if (word === "midnight") return { time: { hour: 0, minute: 0 }, length: 1 };
  const clock = /^(\d{1,2})[:.](\d{2})$/.exec(word);
  const hour = clock ? Number(clock[1]) : numberOf(word);
  const minute = clock ? Number(clock[2]) : 0;
  if (hour === undefined || hour > 23 || minute > 59) return undefined;
  const next = tokens[i + 1]?.word;
  if (next === "am" || next === "pm") {
    if (hour < 1 || hour > 12) return undefined;
    return { time: { hour: (hour % 12) + (next === "pm" ? 12 : 0), minute }, length: 2 };
  }
  if (next === "o'clock" || next === "h") return { time: { hour, minute }, length: 2 };
  if (clock) return { time: { hour, minute }, length: 1 };
  // "at 3 sites", "at 10 percent": a count, not an hour.
  if (
    next !== undefined &&
    !AFTER_BARE_HOUR.has(next) &&
    (/^\d/.test(next) || next.endsWith("s") || NOT_AFTER_HOUR.has(next))
  )
    return undefined;
  // A bare 1–6 is read as afternoon, when tasks run; 7–12 as morning.
  if (hour >= 1 && hour <= 6) {
    assumed.push(`“${hour}” as ${timeText(hour + 12, 0)}`);
    return { time: { hour: hour + 12, minute: 0 }, length: 1 };
  }
  return { time: { hour, minute: 0 }, length: 1 };
}

/** Weekdays from token i on: "Monday, Wednesday and Friday", "Mondays or Thursdays"; plural if any is. */
function readWeekdays(
  tokens: readonly Token[],
  i: number,
): { days: number[]; end: number; isPlural: boolean } | undefined {
  const first = weekdayOf(tokens[i]?.word);
  if (!first) return undefined;
  const days = [first.day];
  let isPlural = first.isPlural;
  let end = i + 1;
  for (;;) {
    const sep = tokens[end]?.word;
    const skip =
      sep && LIST_WORDS.has(sep)
        ? tokens[end + 1]?.word === "every" || tokens[end + 1]?.word === "on"
          ? 2
          : 1
        : 0;
    if (sep && RANGE_WORDS.has(sep)) {
      const last = weekdayOf(tokens[end + 1]?.word);
      if (!last) break;
      for (let d = (days[days.length - 1]! + 1) % 7; ; d = (d + 1) % 7) {
        days.push(d);
        if (d === last.day) break;
      }
      isPlural ||= last.isPlural;
      end += 2;
      continue;
    }
    const next = skip ? weekdayOf(tokens[end + skip]?.word) : undefined;
    if (!next) break;
    days.push(next.day);
    isPlural ||= next.isPlural;
    end += skip + 1;
  }
  return { days, end, isPlural };
}

/** Reads one clause's tokens [from, to) into a Reading (not yet checked for a recurrence). */
function readClause(s: Sentence, from: number, to: number): Reading {
  const t = s.tokens;
  const r: Reading = {
    count: 1,
    isQuarterly: false,
    times: [],
    isRecurring: false,
    isUnsupported: false,
    assumed: [],
    from: Number.MAX_SAFE_INTEGER,
    to: -1,
  };
  const mark = (a: number, b: number) => {
    r.from = Math.min(r.from, a);
    r.to = Math.max(r.to, b);
  };
  const addDays = (days: readonly number[]) => {
    r.days ??= new Set();
    for (const d of days) r.days.add(d);
  };
  const partOfDayAt = (k: number): number => {
    const word = t[k]?.word;
    if (word === undefined || PARTS_OF_DAY[word] === undefined || k >= to) return k;
    r.partOfDay = { word, hour: PARTS_OF_DAY[word] as number };
    return k + 1;
  };

  for (let i = from; i < to; i++) {
    const w = t[i]!.word;
    const prev = i > from ? t[i - 1]!.word : undefined;

    if ((w === "every" || w === "each") && prev !== "for" && !(prev && RETRY_WORDS.has(prev))) {
      let j = i + 1;
      let n = 1;
      if (words(s, j) === "other") {
        n = 2;
        j++;
      } else {
        const number = numberOf(words(s, j));
        if (
          number !== undefined &&
          (unitOf(words(s, j + 1)) || words(s, j + 1)?.startsWith("second"))
        ) {
          n = number;
          j++;
        }
      }
      if (words(s, j) === "single") j++;
      const unit = unitOf(words(s, j));
      if (unit) {
        const after = words(s, j + 1);
        const isIteration =
          (after === "of" || after === "in") &&
          DETERMINERS.has(words(s, j + 2) ?? "") &&
          PARTS_OF_DAY[words(s, j + 3) ?? ""] === undefined &&
          !PERIOD_WORDS.has(words(s, j + 3) ?? "");
        if (isIteration) continue;
        r.every = { n, unit };
        r.isRecurring = true;
        mark(i, j + 1);
        i = j;
        continue;
      }
      if (words(s, j)?.startsWith("second")) {
        r.isUnsupported = true;
        continue;
      }
      const weekdays = n === 1 ? readWeekdays(t, j) : undefined;
      if (weekdays && isDateSet(s, weekdays.end)) continue;
      if (weekdays) {
        addDays(weekdays.days);
        r.isRecurring = true;
        const end = partOfDayAt(weekdays.end);
        mark(i, end);
        i = end - 1;
        continue;
      }
      const set = n === 1 ? daySetOf(t, j) : undefined;
      if (set) {
        addDays(set.days);
        r.isRecurring = true;
        const end = partOfDayAt(j + set.length);
        mark(i, end);
        i = end - 1;
        continue;
      }
      const partEnd = n === 1 ? partOfDayAt(j) : j;
      if (partEnd > j) {
        r.every = { n: 1, unit: "day" };
        r.isRecurring = true;
        mark(i, partEnd);
        i = partEnd - 1;
      }
      continue;
    }

    const adverb = ADVERBS[w];
    if (adverb) {
      const next = i + 1 < to ? t[i + 1]!.word : undefined;
      // Joined to the next word by a hyphen ("nightly-build", "daily-report"), it is part of a name.
      const isCompound =
        next === "-" && t[i + 1]!.start === t[i]!.end && t[i + 2]?.start === t[i + 1]!.end;
      const isAdverbial =
        !isCompound &&
        (next === undefined || AFTER_ADVERB.has(next) || readTime(t, i + 1, []) !== undefined);
      if (!isAdverbial) continue;
      r.every = { n: 1, unit: adverb.unit };
      r.isQuarterly ||= adverb.isQuarterly === true;
      if (adverb.partOfDay)
        r.partOfDay = { word: adverb.partOfDay, hour: PARTS_OF_DAY[adverb.partOfDay] as number };
      r.isRecurring = true;
      mark(
        prev === "a" && next === "basis" ? i - (words(s, i - 2) === "on" ? 2 : 1) : i,
        next === "basis" ? i + 2 : i + 1,
      );
      continue;
    }

    // "once a day", "twice a week", "3 times per hour".
    const times =
      w === "once"
        ? 1
        : w === "twice"
          ? 2
          : w === "thrice"
            ? 3
            : numberOf(w) !== undefined && words(s, i + 1) === "times"
              ? numberOf(w)
              : undefined;
    if (times !== undefined) {
      const j = w === "once" || w === "twice" || w === "thrice" ? i + 1 : i + 2;
      const per = words(s, j);
      const unit = unitOf(words(s, j + 1));
      if (
        (per === "a" || per === "an" || per === "per" || per === "each" || per === "every") &&
        unit
      ) {
        r.every = { n: 1, unit };
        r.count = times;
        r.isRecurring = true;
        mark(i, j + 2);
        i = j + 1;
      }
      continue;
    }

    if (w === "on") {
      const weekdays = readWeekdays(t, i + 1);
      if (weekdays) {
        addDays(weekdays.days);
        r.isRecurring ||= weekdays.isPlural;
        const end = partOfDayAt(weekdays.end);
        mark(i, end);
        i = end - 1;
        continue;
      }
      const set = daySetOf(t, i + 1);
      if (set) {
        addDays(set.days);
        r.isRecurring ||= t[i + set.length]!.word.endsWith("s");
        mark(i, i + 1 + set.length);
        i += set.length;
        continue;
      }
      // "on the 1st (day) of every month", "on day 15".
      let j = i + 1;
      if (words(s, j) === "the") j++;
      const isDayWord = words(s, j) === "day";
      const day = isDayWord ? numberOf(words(s, j + 1)) : ordinalOf(words(s, j));
      if (day !== undefined && day >= 1 && day <= 31) {
        r.dayOfMonth = day;
        j += isDayWord ? 2 : 1;
        if (words(s, j) === "day") j++;
        if (
          words(s, j) === "of" &&
          ["every", "each", "the"].includes(words(s, j + 1) ?? "") &&
          words(s, j + 2) === "month"
        ) {
          r.isRecurring = true;
          r.every ??= { n: 1, unit: "month" };
          j += 3;
        }
        mark(i, j);
        i = j - 1;
      }
      continue;
    }

    if (
      w === "end" &&
      words(s, i + 1) === "of" &&
      ["every", "each", "the"].includes(words(s, i + 2) ?? "")
    ) {
      // The last day of a month is not one number; a schedule set by hand says which day.
      r.isUnsupported = true;
      continue;
    }
    if (w === "last" && (words(s, i + 1) === "day" || weekdayOf(words(s, i + 1)))) {
      r.isUnsupported = true;
      continue;
    }

    if (w === "at" || w === "by" || w === "around") {
      if (words(s, i + 1) === "night") {
        r.partOfDay = { word: "night", hour: PARTS_OF_DAY.night as number };
        mark(i, i + 2);
        i++;
        continue;
      }
      let j = i + 1;
      let time = readTime(t, j, r.assumed);
      if (!time) continue;
      while (time) {
        r.times.push(time.time);
        j += time.length;
        if (!LIST_WORDS.has(words(s, j) ?? "")) break;
        time = readTime(t, j + 1, r.assumed);
        if (time) j++;
      }
      mark(i, j);
      i = j - 1;
      continue;
    }

    // A clock time or "9 pm" standing alone ("daily, 18:30").
    if (
      /^\d{1,2}[:.]\d{2}$/.test(w) ||
      (/^\d{1,2}$/.test(w) && (words(s, i + 1) === "am" || words(s, i + 1) === "pm"))
    ) {
      if (prev === "between" || prev === "from") continue;
      const time = readTime(t, i, r.assumed);
      if (time) {
        r.times.push(time.time);
        mark(i, i + time.length);
        i += time.length - 1;
      }
      continue;
    }

    if (
      w === "in" &&
      words(s, i + 1) === "the" &&
      PARTS_OF_DAY[words(s, i + 2) ?? ""] !== undefined
    ) {
      partOfDayAt(i + 2);
      mark(i, i + 3);
      i += 2;
      continue;
    }

    if (
      w === "during" &&
      ["business", "working", "office", "work"].includes(words(s, i + 1) ?? "") &&
      words(s, i + 2) === "hours"
    ) {
      r.window = [9, 17];
      r.assumed.push(`9:00–17:00 for “${words(s, i + 1)} hours”`);
      if (!r.days) {
        addDays(WORKDAYS);
        r.assumed.push(`Monday to Friday for “${words(s, i + 1)} hours”`);
      }
      mark(i, i + 3);
      i += 2;
      continue;
    }

    if (w === "between" || w === "from") {
      const scratch: string[] = [];
      const a = readTime(t, i + 1, scratch);
      const sep = a ? words(s, i + 1 + a.length) : undefined;
      const b =
        a && sep && (sep === "and" || RANGE_WORDS.has(sep))
          ? readTime(t, i + 2 + a.length, scratch)
          : undefined;
      if (a && b && a.time.hour < b.time.hour) {
        r.window = [a.time.hour, b.time.hour];
        mark(i, i + 2 + a.length + b.length);
        i += 1 + a.length + b.length;
        continue;
      }
      const weekdays = w === "from" ? readWeekdays(t, i + 1) : undefined;
      if (weekdays && weekdays.days.length > 1) {
        addDays(weekdays.days);
        mark(i, weekdays.end);
        i = weekdays.end - 1;
      }
      continue;
    }

    // "Monday to Friday", "Mon-Fri" on their own: days, not yet a recurrence; "Mondays and
    // Thursdays at 7" opening a clause is one.
    const opening =
      i === from && weekdayOf(w)?.isPlural ? opensSchedule(s, readWeekdays(t, i)) : undefined;
    const range =
      opening ??
      (weekdayOf(w) && RANGE_WORDS.has(words(s, i + 1) ?? "") ? readWeekdays(t, i) : undefined);
    if (range && (range.days.length > 1 || opening) && !isDateSet(s, range.end)) {
      addDays(range.days);
      r.isRecurring ||= opening !== undefined;
      mark(i, range.end);
      i = range.end - 1;
      continue;
    }

    if (w === "utc" || w === "gmt") {
      r.timezone = "UTC";
      mark(i, i + 1);
    }
  }
  return r;
}

/** Clauses of a sentence: ", and …", ", then …", ", but …" start another. */
function clausesOf(s: Sentence): [number, number][] {
  const cuts: [number, number][] = [];
  let from = 0;
  s.tokens.forEach((token, k) => {
    if (token.word === "," && ["and", "then", "but"].includes(words(s, k + 1) ?? "")) {
      cuts.push([from, k]);
      from = k + 1;
    }
  });
  cuts.push([from, s.tokens.length]);
  return cuts;
}

/** Cheap gate: a sentence without one of these words holds no recurrence. */
export const SCHEDULE_GATE =
  /\b(?:every|each|hourly|daily|everyday|nightly|weekly|monthly|quarterly|yearly|annually|once|twice|thrice|times|weekdays|weekends|workdays|business days|working days|(?:mon|tues|wednes|thurs|fri|satur|sun)days|month)\b/i;

/**
 * The schedules a sentence asks for, one per clause (or per distinct minute of its times).
 * @example readSchedules(readSentences("Every weekday at 9, email me the news")[0]) // → [{ cron: "0 9 * * 1-5", description: "every weekday at 9:00", … }]
 */
export function readSchedules(sentence: Sentence): ScheduleReading[] {
  if (!SCHEDULE_GATE.test(sentence.text)) return [];
  const found: ScheduleReading[] = [];
  for (const [from, to] of clausesOf(sentence)) {
    const reading = readClause(sentence, from, to);
    if (reading.to < 0) continue;
    found.push(...composeSchedule(reading, quote(sentence, reading.from, reading.to)));
  }
  return found;
}
