/**
 * Words and tokens the trigger detector reads (detect-schedule.ts, detect-webhook.ts): a task is cut
 * into sentences, a sentence into tokens that keep their place in the original text, so a phrase
 * can be quoted back as the user wrote it.
 */

export type Token = {
  /** Lower case; "a.m." is "am", a time "9:30" stays one token, "-" and "," are tokens. */
  word: string;
  start: number;
  end: number;
  /** Written with a capital letter in the task (a product or a name, unless it starts the sentence). */
  isCapitalized: boolean;
};

export type Sentence = { text: string; tokens: Token[]; isQuestion: boolean };

const TOKEN_RE =
  /\d+(?:st|nd|rd|th)\b|\d{1,2}[:.]\d{2}\b|\d+|[ap]\.m\.?|[a-z]+(?:['’][a-z]+)?|[,\-–]/gi;

/** Splits a task into sentences (at . ! ? ; and line breaks; "9.30" and "a.m." are not ends). */
export function readSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  const ends = /[!?;\n]|\.(?=\s|$)/g;
  let from = 0;
  for (;;) {
    const m = ends.exec(text);
    const to = m ? m.index : text.length;
    // "9 a.m. every day": the dot of an abbreviation does not end the sentence.
    if (m && m[0] === "." && /\b[ap]\.m$/i.test(text.slice(Math.max(0, to - 3), to))) continue;
    const part = text.slice(from, to);
    if (part.trim())
      sentences.push({ text: part, tokens: tokenize(part), isQuestion: m?.[0] === "?" });
    if (!m) break;
    from = to + 1;
  }
  return sentences;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const raw = m[0];
    const word = /^[ap]\.m\.?$/i.test(raw)
      ? `${raw[0]!.toLowerCase()}m`
      : raw === "–"
        ? "-"
        : raw.toLowerCase().replace("’", "'");
    tokens.push({
      word,
      start: m.index,
      end: m.index + raw.length,
      isCapitalized: /^[A-Z]/.test(raw) && tokens.length > 0,
    });
  }
  return tokens;
}

/** The words of tokens `from`..`to` (exclusive) as written in the sentence. */
export function quote(sentence: Sentence, from: number, to: number): string {
  const first = sentence.tokens[from];
  const last = sentence.tokens[to - 1];
  return first && last ? sentence.text.slice(first.start, last.end) : "";
}

/** 0 = Sunday, as cron counts. */
export const WEEKDAYS: Readonly<Record<string, number>> = {
  sunday: 0,
  sun: 0,
  monday: 1,
  mon: 1,
  tuesday: 2,
  tue: 2,
  tues: 2,
  wednesday: 3,
  wed: 3,
  thursday: 4,
  thu: 4,
  thur: 4,
  thurs: 4,
  friday: 5,
  fri: 5,
  saturday: 6,
  sat: 6,
};
export const WEEKDAY_NAMES = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;

/** "mondays" → 1 (a plural weekday reads as a recurring one). */
export function weekdayOf(
  word: string | undefined,
): { day: number; isPlural: boolean } | undefined {
  if (!word) return undefined;
  if (word in WEEKDAYS) return { day: WEEKDAYS[word] as number, isPlural: false };
  if (word.endsWith("s") && word.slice(0, -1) in WEEKDAYS && word.length > 4)
    return { day: WEEKDAYS[word.slice(0, -1)] as number, isPlural: true };
  return undefined;
}

export type Unit = "minute" | "hour" | "day" | "week" | "month" | "year";
const UNITS: Readonly<Record<string, Unit>> = {
  minute: "minute",
  minutes: "minute",
  min: "minute",
  mins: "minute",
  hour: "hour",
  hours: "hour",
  hr: "hour",
  hrs: "hour",
  day: "day",
  days: "day",
  week: "week",
  weeks: "week",
  month: "month",
  months: "month",
  year: "year",
  years: "year",
};
export const unitOf = (word: string | undefined): Unit | undefined =>
  word ? UNITS[word] : undefined;

/** Sets of days a word names: "weekdays", "business days", "weekends". */
export const WORKDAYS = [1, 2, 3, 4, 5] as const;
export function daySetOf(
  tokens: readonly Token[],
  i: number,
): { days: readonly number[]; length: number } | undefined {
  const word = tokens[i]?.word;
  const next = tokens[i + 1]?.word;
  if (word === "weekday" || word === "weekdays" || word === "workday" || word === "workdays")
    return { days: WORKDAYS, length: 1 };
  if (
    (word === "business" || word === "working" || word === "work") &&
    (next === "day" || next === "days")
  )
    return { days: WORKDAYS, length: 2 };
  if (word === "weekend" || word === "weekends") return { days: [0, 6], length: 1 };
  return undefined;
}

/** Parts of the day and the hour each is taken to mean (said so in the proposal: it is assumed). */
export const PARTS_OF_DAY: Readonly<Record<string, number>> = {
  morning: 9,
  mornings: 9,
  noon: 12,
  midday: 12,
  afternoon: 15,
  afternoons: 15,
  evening: 18,
  evenings: 18,
  night: 22,
  nights: 22,
  midnight: 0,
};

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
};
/** "15", "fifteen" → 15. */
export function numberOf(word: string | undefined): number | undefined {
  if (!word) return undefined;
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  fifteenth: 15,
  twentieth: 20,
};
/** "1st", "15th", "first" → a day of the month (1–28: later days are missing in some months). */
export function ordinalOf(word: string | undefined): number | undefined {
  if (!word) return undefined;
  const m = /^(\d+)(?:st|nd|rd|th)$/.exec(word);
  const n = m ? Number(m[1]) : ORDINAL_WORDS[word];
  return n !== undefined && n >= 1 && n <= 31 ? n : undefined;
}

export function ordinalText(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

export const timeText = (hour: number, minute: number) =>
  `${hour}:${String(minute).padStart(2, "0")}`;

/** "Monday, Wednesday and Friday". */
export function listText(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
