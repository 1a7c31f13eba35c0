import type { Intent } from "./vocabulary";

/**
 * Plain word lists: what an English word is (a function word, a number, a unit, a verb and the
 * kind of action it names). Nothing here decides a pattern, a capability or a server: those come
 * from the learned models (task-models.ts) and retrieval (server-discovery.ts). The planner uses
 * these lists to fill in what it builds: whether an agent only reads (its tools), how many parts a
 * task names (how many workers), and where a list of items ends (their node names).
 */

const words = (text: string) => text.split(/\s+/).filter(Boolean);

/** Verbs by the kind of action they name, in their base form (inflections are matched on use). */
const VERBS: Record<Intent, string> = {
  read: "read open visit view inspect retrieve grab pull get extract collect gather fetch download scrape crawl",
  write:
    "save store export upload publish insert append attach push load import apply email post send copy move",
  create: "create add make build",
  search: "search find locate lookup discover look",
  list: "list enumerate show",
  compare: "compare contrast benchmark rank",
  summarise: "summarise summarize digest condense recap merge combine consolidate aggregate",
  classify: "classify categorise categorize triage label tag sort decide determine",
  transform: "convert translate transform format reformat clean normalise normalize parse turn",
  delete: "delete remove purge prune clear drop archive",
  update:
    "update change modify edit rename close bump reopen set switch toggle enable disable fix adjust correct retry",
  analyse:
    "check verify validate test assess measure count calculate report tell explain identify detect monitor diagnose debug answer analyse analyze evaluate",
  generate: "write draft assemble compile compose produce generate",
  route: "route dispatch forward assign hand transfer escalate",
  plan: "plan audit investigate coordinate organise organize schedule",
  remember: "remember memorise memorize record",
  navigate: "navigate browse click scroll hover fill submit",
  query: "query",
  research: "research",
  review: "review proofread polish refine revise iterate improve rework rewrite",
};

/** Other common verbs: a comma segment that starts with one is a step, not a list item. */
const OTHER_VERBS =
  "run do use have let keep give take ask need want try choose pick put carry break come work figure dig think outline describe estimate predict prepare provide return respond reply notify alert flag highlight mark note track watch book order buy pay invite share suggest ensure confirm reject propose recommend go repeat";

/** Words that are never a list item's name or a product name. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  words(
    "a an the their its our my your this that these those some any all both each every per and or to please than last over under least most about around within at of in on for from with by into onto is are was were be been being has had does did not no more there here as so up out which who whose what when where how it them me us we i you he she his her only just also new old same other own first next then today yesterday tomorrow tonight morning if whether why something anything nothing everything",
  ),
);

/** Number words and the count they name. */
export const NUMBER_WORDS: ReadonlyMap<string, number> = new Map([
  ["two", 2],
  ["three", 3],
  ["four", 4],
  ["five", 5],
  ["six", 6],
  ["seven", 7],
  ["eight", 8],
  ["nine", 9],
  ["ten", 10],
  ["twelve", 12],
  ["dozen", 12],
  ["several", 3],
  ["multiple", 3],
]);

/** After these a number is a measure or a bound, not a count of parts ("more than 5", "last 3"). */
export const COUNT_BLOCKERS: ReadonlySet<string> = new Set(
  words("than last over under least most about around within v top"),
);

/** Units: the number before one is a measure ("3 days", "10 percent"), not a count of parts. */
export const UNITS: ReadonlySet<string> = new Set(
  words(
    "day days hour hours minute minutes second seconds week weeks month months year years percent time times mb gb kb ms km mile miles dollar dollars euro euros usd am pm",
  ),
);

/** A word's -s/-ed/-ing forms (enough for the lists above; explicit words win over generated forms). */
function inflections(word: string): string[] {
  const last = word[word.length - 1] ?? "";
  const beforeLast = word[word.length - 2] ?? "";
  const vowels = "aeiou";
  if (last === "e") return [`${word}s`, `${word}d`, `${word.slice(0, -1)}ing`];
  if (last === "y" && !vowels.includes(beforeLast))
    return [`${word.slice(0, -1)}ies`, `${word.slice(0, -1)}ied`, `${word}ing`];
  if (/(s|sh|ch|x|z)$/.test(word)) return [`${word}es`, `${word}ed`, `${word}ing`];
  const forms = [`${word}s`, `${word}ed`, `${word}ing`];
  // plan → planned, planning: double a final consonant after one vowel.
  if (
    !vowels.includes(last) &&
    !"wxy".includes(last) &&
    vowels.includes(beforeLast) &&
    !vowels.includes(word[word.length - 3] ?? "a")
  )
    forms.push(`${word}${last}ed`, `${word}${last}ing`);
  return forms;
}

const INTENT_OF = new Map<string, Intent>();
const VERB_FORMS = new Set<string>();
for (const [intent, list] of Object.entries(VERBS) as [Intent, string][])
  for (const verb of words(list)) if (!INTENT_OF.has(verb)) INTENT_OF.set(verb, intent);
for (const verb of [...INTENT_OF.keys(), ...words(OTHER_VERBS)]) VERB_FORMS.add(verb);
for (const verb of [...VERB_FORMS]) {
  const intent = INTENT_OF.get(verb);
  for (const form of inflections(verb)) {
    VERB_FORMS.add(form);
    if (intent && !INTENT_OF.has(form)) INTENT_OF.set(form, intent);
  }
}

/**
 * The kind of action a lower-case word names, if it is one of the listed verbs (in any inflection).
 * @example intentOfWord("saved") // → "write"
 */
export function intentOfWord(word: string): Intent | undefined {
  return INTENT_OF.get(word);
}

/**
 * Whether a word is a common verb (in any inflection).
 * @example isVerbWord("Fetching") // → true
 */
export function isVerbWord(word: string): boolean {
  return VERB_FORMS.has(word.toLowerCase());
}

/**
 * Whether a word is a listed verb or function word: a list item's name stops before one.
 * @example isListedWord("and") // → true
 */
export function isListedWord(word: string): boolean {
  const lower = word.toLowerCase();
  return FUNCTION_WORDS.has(lower) || NUMBER_WORDS.has(lower) || isVerbWord(lower);
}
