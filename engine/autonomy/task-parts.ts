import { isListedWord, isVerbWord } from "./word-lists";

/**
 * The named parts of a task the planner turns into nodes: list items ("Paris, Tokyo and New York"
 * → three workers; "a complaint, a question or praise" → three branches), specialist agents for a
 * swarm, and the noun for numbered variants ("three versions"). Runs once per plan, not on the
 * analyzer's hot path, so it can afford plain string work.
 */
export type TaskParts = {
  /** List items, as written ("Paris", "New York"), in order; empty when the task has no list. */
  items: string[];
  /** Specialists a conversation is handed to ("flights", "hotels"). */
  specialists: string[];
  /** The agent a conversation starts with ("greeter", "concierge"); "triage" when none is named. */
  entryAgent: string;
  /** What numbered parts are called ("version" in "three versions"), or "part". */
  partNoun: string;
};

const BREAK_WORDS = new Set([
  "of",
  "to",
  "into",
  "in",
  "on",
  "at",
  "for",
  "from",
  "with",
  "without",
  "by",
  "as",
  "is",
  "are",
  "be",
  "between",
  "like",
  "about",
  "among",
  "whether",
  "if",
  "than",
  "then",
  "when",
  "who",
  "which",
  "that",
  "where",
  "depending",
  "based",
  "and",
  "or",
]);
const ARTICLES = new Set([
  "a",
  "an",
  "the",
  "their",
  "its",
  "our",
  "my",
  "your",
  "this",
  "that",
  "these",
  "those",
  "each",
  "every",
  "some",
]);
const HEAD_NOUN =
  /^(?:versions?|variants?|handlers?|specialists?|agents?|experts?|teams?|queues?|departments?|drafts?|options?)$/i;
const HAND_OFF =
  /\b(?:transfers?|transferring|hands?|handing|passes|pass|passing|escalates?|escalating|routes?|sends?|forwards?)\b/i;
const ROLE_NOUN =
  /\b([A-Za-z][\w-]*(?: [A-Za-z][\w-]*)?) (?:agents?|specialists?|experts?|desk|support|team)\b/g;
const ENTRY_ROLE =
  /\b(greeter|concierge|receptionist|triage|dispatcher|front[- ]desk|first[- ]line|host|operator|router)\b/i;
const PART_NOUN =
  /\b(versions?|variants?|drafts?|alternatives?|perspectives?|angles?|models?|styles?|options?|tones?|personas?|taglines?|takes?)\b/i;

const isVerb = isVerbWord;

/** The words of a list item, without leading articles and at most three words long. */
function trimItem(words: string[]): string {
  const kept = words.filter((w) => w !== "");
  while (kept.length && ARTICLES.has((kept[0] as string).toLowerCase())) kept.shift();
  return kept.slice(0, 3).join(" ");
}

const isKnown = isListedWord;

/** The first item: the last word before the first comma and the unknown words before it ("New York"). */
function lastPhrase(text: string): string {
  const words = text.trim().split(/\s+/);
  let start = words.length - 1;
  if (start < 0 || BREAK_WORDS.has((words[start] as string).toLowerCase())) return "";
  while (start > 0 && words.length - start < 3 && !isKnown(words[start - 1] as string)) start--;
  return trimItem(words.slice(start));
}

/** The last item: the first word after the conjunction and the unknown words after it ("New York"). */
function firstPhrase(text: string): string {
  const kept: string[] = [];
  for (const word of text.trim().split(/\s+/)) {
    if (kept.length === 0 && ARTICLES.has(word.toLowerCase())) continue;
    if (kept.length > 0 && isKnown(word)) break;
    kept.push(word);
    if (kept.length === 3) break;
  }
  return kept.join(" ");
}

/** Tries a list that starts at the end of parts[start]: items, or null when it is not a list. */
function listFrom(parts: readonly string[], start: number): string[] | null {
  const first = lastPhrase(parts[start] as string);
  if (!first) return null;
  const items = [first];
  for (let k = start + 1; k < parts.length; k++) {
    const part = parts[k] as string;
    const conj = /^(?:(.*?)\s+)?(?:and|or)\s+(.*)$/i.exec(part);
    if (conj) {
      if (conj[1]) items.push(trimItem(conj[1].split(/\s+/)));
      items.push(firstPhrase(conj[2] as string));
    } else items.push(trimItem(part.split(/\s+/)));
    // A segment that starts with a verb makes the clause a sequence of steps, not a list.
    if (items.slice(1).some((item) => !item || isVerb(item.split(" ")[0] as string))) return null;
    if (conj) return items;
  }
  return null;
}

/**
 * The first list of three or more items in the text (after `from`), as written.
 * @example extractListItems("Get the weather of Paris, Tokyo and New York at once") // → ["Paris", "Tokyo", "New York"]
 */
export function extractListItems(text: string, from = 0): string[] {
  for (const clause of text.slice(from).split(/[;:!?]|\.(?:\s|$)/)) {
    const parts = clause.split(/\s*,\s*/);
    for (let start = 0; start < parts.length - 1; start++) {
      const items = listFrom(parts, start);
      if (items && items.length >= 3) return items.map((item) => item.replace(/[.'"’]+$/g, ""));
    }
  }
  return [];
}

/** Items without the head noun they share ("billing handler" → "billing"). */
export function stripHeadNouns(items: string[]): string[] {
  return items.map((item) => {
    const words = item.split(" ");
    return words.length > 1 && HEAD_NOUN.test(words[words.length - 1] as string)
      ? words.slice(0, -1).join(" ")
      : item;
  });
}

/**
 * Reads the parts a plan needs from the task's text.
 * @example readTaskParts("A greeter hands callers to a loans specialist or a cards specialist").specialists // → ["loans", "cards"]
 */
export function readTaskParts(text: string): TaskParts {
  const items = stripHeadNouns(extractListItems(text));
  const handOff = HAND_OFF.exec(text);
  const after = handOff ? handOff.index + handOff[0].length : 0;
  let specialists = handOff ? stripHeadNouns(extractListItems(text, after)) : [];
  if (specialists.length < 2) {
    specialists = [];
    for (const m of text.slice(after).matchAll(ROLE_NOUN)) {
      const words = (m[1] as string)
        .split(" ")
        .filter((w) => !ARTICLES.has(w.toLowerCase()) && !BREAK_WORDS.has(w.toLowerCase()));
      const name = words.join(" ") || (m[0].split(" ").pop() as string);
      if (!specialists.includes(name)) specialists.push(name);
    }
  }
  if (specialists.length < 2 && items.length >= 2) specialists = items;
  const entry = ENTRY_ROLE.exec(handOff ? text.slice(0, after) : text);
  const part = PART_NOUN.exec(text);
  return {
    items,
    specialists,
    entryAgent: entry ? (entry[1] as string).toLowerCase().replace(/\s+/g, "-") : "triage",
    partNoun: part ? (part[1] as string).toLowerCase().replace(/s$/, "") : "part",
  };
}

/**
 * A node id from a phrase: lower-case letters, digits and dashes, starting with a letter, unique in `taken`.
 * @example toNodeId("New York", new Set()) // → "new-york"
 */
export function toNodeId(phrase: string, taken: Set<string>, fallback = "step"): string {
  let base = phrase
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  if (!/^[a-z]/.test(base)) base = base ? `${fallback}-${base}` : fallback;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}
