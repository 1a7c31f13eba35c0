import { CAPABILITIES, INTENTS, type Capability, type Intent } from "./vocabulary";

/**
 * The analyzer's vocabulary: each word maps to a cue (capability weights, intents, verb class,
 * structural signals). A task is read in one pass of word look-ups, which is what keeps analysis
 * to a few microseconds; the few phrases a word cannot carry are regexes in analyze-task.ts.
 *
 * Weights: 3–4 names the thing outright ("postgres", "browser"), 2 points at it ("database",
 * "folder"), 1 hints. Pseudo-capabilities are resolved after the pass, once the whole task is known:
 * "web-target" (a page or site: fetched, or driven by a browser when one is asked for),
 * "db-generic" (tables, SQL: SQLite when a SQLite file is named, else a relational database),
 * "search-generic" ("find", "research": web search only when nothing else is the source),
 * "files-generic" ("file", "folder": local files, unless a code host or a drive is the source and
 * nothing is being saved),
 * "files-weak" ("the docs") and "reasoning-weak" ("step by step"): used only when nothing else is.
 */

export const PSEUDO_SLOTS = [
  "web-target",
  "db-generic",
  "search-generic",
  "files-generic",
  "files-weak",
  "reasoning-weak",
] as const;
export type CapabilitySlot = Capability | (typeof PSEUDO_SLOTS)[number];
export const SLOTS: readonly CapabilitySlot[] = [...CAPABILITIES, ...PSEUDO_SLOTS];
export const SLOT_INDEX = new Map<CapabilitySlot, number>(SLOTS.map((slot, i) => [slot, i]));

/** Structural signal counters, combined into structure scores in analyze-task.ts. */
export const SIGNALS = [
  "count",
  "distributive",
  "variant",
  "different",
  "merge",
  "until",
  "iterate",
  "quality",
  "evaluator",
  "classify",
  "route",
  "handler",
  "item",
  "whether",
  "hand",
  "transfer",
  "specialist",
  "person",
  "convo",
  "then",
  "flow",
  "plan-strong",
  "plan-weak",
  "incoming",
  "concurrent",
  "retry",
] as const;
export type Signal = (typeof SIGNALS)[number];
export const SIGNAL_INDEX = new Map<Signal, number>(SIGNALS.map((s, i) => [s, i]));

/** Verb classes: a deliver verb in verb position after a gather or compose verb makes a sequence. */
export const GATHER = 1;
export const DELIVER = 2;
export const COMPOSE = 4;
export const ANSWER = 8;

export const ARTICLE = 1;
export const CONJ_AND = 2;
export const CONJ_OR = 4;
export const VERB_POSITION = 8; // "to", "then", "please": the next word is in verb position
export const COUNT_BLOCKER = 16; // "than", "last": a number after it is not a count of parts
export const UNIT = 32; // "days", "percent": the number before it is a measure
export const MEMORY_FALSE_FRIEND = 64; // "memory leak", "memory usage"

/** Gates: a phrase regex in read-phrases.ts runs only when the pass saw one of its key words. */
export const GATE_WEB_SEARCH = 1;
export const GATE_DRIVE = 2;
export const GATE_PULL_REQUEST = 4;
export const GATE_REASONING = 8;
export const GATE_SEQUENTIAL = 16;
export const GATE_SERVER = 32;
export const GATE_PLAN = 64;
export const GATE_CONCURRENT = 128;
export const GATE_THROUGH = 256;
export const GATE_HAND = 512;
export const GATE_DECIDE = 1024;
export const GATE_LOOKUP = 2048;
export const GATE_LOGIN = 4096;
export const GATE_ROUTE_TO = 8192;
export const GATE_OPEN = 16384;

export type Cue = {
  /** Flattened pairs: slot index, weight. */
  caps: readonly number[];
  intents: number;
  verb: number;
  /** Flattened pairs: signal index, weight. */
  signals: readonly number[];
  flags: number;
  count: number;
  gates: number;
};

type Spec = {
  cap?: Partial<Record<CapabilitySlot, number>>;
  intent?: Intent[];
  verb?: number;
  sig?: Partial<Record<Signal, number>>;
  flags?: number;
  count?: number;
  gate?: number;
  /** Add -s/-ed/-ing forms (default true). */
  inflect?: boolean;
};

const G = GATHER;
const D = DELIVER;
const C = COMPOSE;
const A = ANSWER;

// prettier-ignore
const TABLE: Array<[string, Spec]> = [
  // Web pages and search.
  ["fetch", { cap: { "web-fetch": 3 }, intent: ["read"], verb: G }],
  ["download", { cap: { "web-target": 2 }, intent: ["read"], verb: G }],
  ["scrape crawl", { cap: { "web-target": 3 }, intent: ["read"], verb: G }],
  ["url urls http https homepage webpage website", { cap: { "web-target": 2 } }],
  ["pages webpages", { cap: { "web-target": 2 }, inflect: false }],
  ["page site link rss feed endpoint api html headline blog article", { cap: { "web-target": 1 } }],
  ["web", { cap: { "web-search": 1 }, gate: GATE_WEB_SEARCH }],
  ["online", { cap: { "web-search": 3 } }],
  ["internet", { cap: { "web-search": 3 }, gate: GATE_WEB_SEARCH }],
  ["engine", { gate: GATE_WEB_SEARCH }],
  ["google", { cap: { "web-search": 2 }, gate: GATE_DRIVE }],
  ["brave bing duckduckgo", { cap: { "web-search": 4 } }],
  ["search", { cap: { "search-generic": 2 }, intent: ["search"], verb: G, gate: GATE_WEB_SEARCH }],
  ["research", { cap: { "search-generic": 2 }, intent: ["research"], verb: G, sig: { "plan-weak": 1 } }],
  // Writing with sources means reading the pages found.
  ["sourced sources cite cited citation citations", { intent: ["research"], inflect: false }],
  ["find locate lookup discover", { cap: { "search-generic": 1 }, intent: ["search"], verb: G }],
  ["look", { cap: { "search-generic": 1 }, intent: ["search"], verb: G, gate: GATE_LOOKUP }],
  ["latest news recent current trending", { cap: { "search-generic": 1 } }],
  // Files.
  ["file directory dir folder", { cap: { "files-generic": 2 } }],
  ["workspace disk filesystem", { cap: { files: 2 } }],
  ["local locally csv tsv pdf markdown", { cap: { files: 1 } }],
  ["path", { cap: { "files-weak": 1 } }],
  ["json yaml xml", { cap: { files: 1 } }],
  ["docs documentation handbook manual wiki", { cap: { "files-weak": 1 } }],
  // Code hosting.
  ["github gitlab bitbucket", { cap: { "code-hosting": 4 } }],
  ["repo repository pr prs fork gist codeowners monorepo", { cap: { "code-hosting": 3 } }],
  ["commit", { cap: { "code-hosting": 2 } }],
  ["issue release branch changelog maintainer contributor readme codebase", { cap: { "code-hosting": 1 } }],
  // Databases.
  ["sqlite sqlite3", { cap: { sqlite: 4 } }],
  ["postgres postgresql psql pg", { cap: { "relational-db": 4 } }],
  ["mysql mariadb", { cap: { "relational-db": 3 } }],
  ["database db sql", { cap: { "db-generic": 2 } }],
  ["table row column schema warehouse", { cap: { "db-generic": 1 } }],
  // Browser automation.
  ["browser puppeteer playwright selenium chromium chrome headless", { cap: { "browser-automation": 4 } }],
  ["click screenshot", { cap: { "browser-automation": 3 }, intent: ["navigate"], verb: G }],
  ["render scroll hover", { cap: { "browser-automation": 2 }, intent: ["navigate"], verb: G }],
  ["button captcha e2e", { cap: { "browser-automation": 2 } }],
  ["form login checkout ui visually", { cap: { "browser-automation": 1 } }],
  ["navigate browse", { cap: { "browser-automation": 1, "web-target": 1 }, intent: ["navigate"], verb: G }],
  ["fill submit", { cap: { "browser-automation": 1 }, intent: ["navigate"] }],
  // Documents in a drive.
  ["gdrive", { cap: { documents: 4 } }],
  ["drive", { cap: { documents: 1 }, gate: GATE_DRIVE }],
  ["document spreadsheet sheet slide", { cap: { documents: 1 } }],
  // Memory, reasoning, the MCP test server.
  ["memory", { cap: { memory: 3 } }],
  ["remember memorise memorize", { cap: { memory: 3 }, intent: ["remember"], verb: D }],
  ["recall forget", { cap: { memory: 2 }, intent: ["remember"] }],
  ["knowledge", { cap: { memory: 1 } }],
  ["graph preference", { cap: { memory: 1 } }],
  ["sequentialthinking scratchpad", { cap: { reasoning: 4 } }],
  ["thinking reason reasoning puzzle riddle hypothesis hypotheses thought", { cap: { "reasoning-weak": 1 } }],
  ["mcp", { cap: { "mcp-testing": 1 }, gate: GATE_SERVER }],
  ["echo", { cap: { "mcp-testing": 2 } }],
  ["client", { cap: { "mcp-testing": 1 }, sig: { person: 1 } }],
  ["protocol notification conformance", { cap: { "mcp-testing": 1 } }],
  ["leak leaks usage footprint consumption", { flags: MEMORY_FALSE_FRIEND, inflect: false }],

  // Verbs without a capability of their own.
  ["read open visit", { intent: ["read"], verb: G, gate: GATE_OPEN }],
  ["view inspect retrieve grab pull get extract collect gather", { intent: ["read"], verb: G }],
  ["list enumerate show", { intent: ["list"], verb: G }],
  ["query", { cap: { "db-generic": 1 }, intent: ["query"], verb: G }],
  ["save store export upload publish insert append attach push", { intent: ["write"], verb: D }],
  ["load import apply", { intent: ["write"], verb: D }],
  ["write", { intent: ["write", "generate"], verb: D | C, gate: GATE_PLAN }],
  ["email", { intent: ["write"], verb: D, sig: { item: 1 } }],
  ["post", { intent: ["write"], verb: D }],
  ["send", { intent: ["write"], verb: D, gate: GATE_ROUTE_TO }],
  ["record", { intent: ["write", "remember"], verb: D }],
  ["copy move", { intent: ["write"], verb: D }],
  ["create add make build file", { intent: ["create"], verb: D }],
  ["draft", { intent: ["generate"], verb: C, sig: { variant: 1 } }],
  ["assemble compile compose produce generate", { intent: ["generate"], verb: C }],
  ["summarise summarize summary digest condense recap tldr", { intent: ["summarise"], verb: C }],
  ["convert translate transform format reformat clean normalise normalize parse turn", { intent: ["transform"], verb: C }],
  ["compare contrast benchmark rank", { intent: ["compare"], verb: A, sig: { merge: 1 } }],
  ["comparison", { intent: ["compare"], sig: { merge: 1 } }],
  ["merge combine consolidate aggregate", { intent: ["summarise"], verb: C, sig: { merge: 1 } }],
  ["together", { sig: { merge: 1 } }],
  ["delete remove purge prune clear drop archive", { intent: ["delete"], verb: D }],
  ["update change modify edit rename close bump reopen set switch toggle enable disable", { intent: ["update"], verb: D }],
  // Fixing towards a bar is a loop ("keep fixing the query until it matches"); alone it is an update.
  ["fix adjust correct retry", { intent: ["update"], verb: D, sig: { retry: 1 } }],
  ["check verify validate test assess measure count calculate report tell explain identify detect monitor diagnose debug answer",
    { intent: ["analyse"], verb: A }],
  ["analyse analyze evaluate", { intent: ["analyse"], verb: A }],
  ["analysis", { intent: ["analyse"], sig: { "plan-weak": 1 } }],
  ["run do use have let keep give take ask need want try choose pick", { verb: A }],
  // Verbs that open a phrase read-phrases.ts knows ("put together", "carry out", "think through").
  ["put carry break come", { verb: A, gate: GATE_PLAN }],
  ["work figure", { verb: A, gate: GATE_DECIDE }],
  ["dig", { verb: A, gate: GATE_DECIDE }],
  ["root why", { gate: GATE_DECIDE, inflect: false }],
  ["log sign", { gate: GATE_LOGIN }],
  ["think", { verb: A, gate: GATE_REASONING }],
  ["through", { gate: GATE_THROUGH | GATE_REASONING, inflect: false }],
  ["chain", { gate: GATE_REASONING }],
  ["server", { gate: GATE_SERVER }],
  // Common verbs, so that a comma segment starting with one reads as a step, not as a list item.
  ["outline describe estimate predict prepare provide return respond reply notify alert flag highlight mark note",
    { verb: A }],
  ["track watch book order buy pay invite share suggest look ensure confirm reject find",
    { verb: A }],
  ["propose recommend", { verb: A, sig: { "plan-weak": 1 } }],

  // Structure: parallel parts.
  ["each every per", { sig: { distributive: 1 }, flags: ARTICLE, inflect: false }],
  ["version variant alternative perspective angle model style option tone translation language", { sig: { variant: 1 } }],
  ["different differently various distinct separate independent independently", { sig: { different: 1 } }],
  ["parallel", { sig: { concurrent: 1 }, gate: GATE_CONCURRENT }],
  ["simultaneously concurrently", { sig: { concurrent: 1 } }],
  ["side once", { gate: GATE_CONCURRENT, inflect: false }],
  // Iteration to a quality bar.
  ["until till repeatedly", { sig: { until: 1 }, inflect: false }],
  ["repeat", { sig: { iterate: 1 } }],
  // Not compose verbs: revising is the loop itself, not a step that feeds another.
  ["polish refine revise iterate improve rework rewrite tweak", { intent: ["review"], verb: A, sig: { iterate: 1 } }],
  ["pass", { sig: { quality: 1, hand: 1 }, gate: GATE_ROUTE_TO }],
  ["excellent perfect flawless enough approved approve satisfied acceptable quality score rated rate rating grade threshold match correctly valid supported",
    { sig: { quality: 1 } }],
  ["critic reviewer grader judge editor evaluator critique checker verifier tester", { sig: { evaluator: 1 } }],
  // A review only counts towards a loop next to "until" or a rating (see score-structure.ts).
  ["review proofread", { intent: ["review"], verb: A, sig: { evaluator: 1 } }],
  // Routing by category.
  ["classify categorise categorize triage label tag sort", { intent: ["classify"], verb: A, sig: { classify: 1 } }],
  ["classification categorisation categorization", { intent: ["classify"], sig: { classify: 1 } }],
  ["route dispatch forward assign", { intent: ["route"], verb: D, sig: { route: 1 }, gate: GATE_ROUTE_TO }],
  ["go", { verb: A, gate: GATE_ROUTE_TO }],
  ["accordingly correspondingly", { sig: { route: 1 }, inflect: false }],
  ["otherwise", { sig: { whether: 1 }, inflect: false }],
  ["handler queue department inbox team", { sig: { handler: 1 } }],
  ["request", { sig: { item: 1 }, gate: GATE_PULL_REQUEST }],
  ["message ticket event webhook submission lead enquiry inquiry comment complaint", { sig: { item: 1 } }],
  ["whether", { sig: { whether: 1 }, gate: GATE_DECIDE, inflect: false }],
  ["if", { gate: GATE_DECIDE, inflect: false }],
  ["depending matching appropriate relevant right category type kind", { sig: { whether: 1 } }],
  ["incoming inbound arriving", { sig: { incoming: 1 } }],
  ["decide determine", { intent: ["classify"], verb: A, gate: GATE_DECIDE }],
  // Hand-offs between specialists.
  ["hand", { intent: ["route"], verb: D, sig: { hand: 1 }, gate: GATE_HAND }],
  ["transfer handoff escalate", { intent: ["route"], verb: D, sig: { transfer: 1 } }],
  ["agent specialist expert concierge greeter receptionist assistant desk bot chatbot advisor", { sig: { specialist: 1 } }],
  ["customer traveller traveler user caller visitor patient guest shopper student client employee applicant passenger",
    { sig: { person: 1 } }],
  ["conversation chat talk converse they", { sig: { convo: 1 } }],
  // Sequences.
  ["then afterwards afterward finally subsequently", { sig: { then: 1 }, flags: VERB_POSITION, inflect: false }],
  ["step", { sig: { flow: 1 }, gate: GATE_REASONING }],
  ["flow journey funnel wizard walkthrough", { sig: { flow: 1 } }],
  // Open-ended planning.
  ["audit decompose workstream subtask", { intent: ["plan"], sig: { "plan-strong": 1 } }],
  ["investigate", { intent: ["plan"], sig: { "plan-strong": 1 }, gate: GATE_DECIDE }],
  ["plan", { sig: { "plan-weak": 1 }, gate: GATE_PLAN }],
  ["strategy roadmap remediation criteria competitive comprehensive thorough organisation organization org landscape prioritise prioritize",
    { sig: { "plan-weak": 1 } }],
  ["coordinate organise organize schedule", { intent: ["plan"], sig: { "plan-weak": 1 } }],

  // Function words: known, so they are not taken for product names; some steer list detection.
  ["a an the their its our my your this that these those some any all both", { flags: ARTICLE, inflect: false }],
  ["and", { flags: CONJ_AND, inflect: false }],
  ["or", { flags: CONJ_OR, inflect: false }],
  ["to please", { flags: VERB_POSITION, inflect: false }],
  ["than last over under least most about around within v", { flags: COUNT_BLOCKER, inflect: false }],
  ["day hour minute second week month year percent time mb gb kb ms km mile dollar euro usd", { flags: UNIT }],
  ["at", { gate: GATE_CONCURRENT, inflect: false }],
  ["of in on for from with by into onto is are was were be been being has had does did not no more than there here as so up out",
    { inflect: false }],
  ["which", { gate: GATE_DECIDE, inflect: false }],
  ["who whose what when where how it them me us we i you he she his her only just also new old same other own first next",
    { inflect: false }],
  ["today yesterday tomorrow tonight morning", { inflect: false }],
  // Ordinary words that are also server names: only the phrases in analyze-task.ts ("the everything
  // server", "sequential thinking") name those servers.
  ["everything", { gate: GATE_SERVER, inflect: false }],
  ["something anything nothing", { inflect: false }],
  ["sequential", { gate: GATE_SEQUENTIAL, inflect: false }],
  ["two", { flags: 0, count: 2, inflect: false }],
  ["three", { count: 3, inflect: false }],
  ["four", { count: 4, inflect: false }],
  ["five", { count: 5, inflect: false }],
  ["six", { count: 6, inflect: false }],
  ["seven", { count: 7, inflect: false }],
  ["eight", { count: 8, inflect: false }],
  ["nine", { count: 9, inflect: false }],
  ["ten", { count: 10, inflect: false }],
  ["twelve dozen", { count: 12, inflect: false }],
  ["several multiple", { count: 3, inflect: false }],
];

function inflections(word: string): string[] {
  const forms: string[] = [];
  const last = word[word.length - 1] ?? "";
  const beforeLast = word[word.length - 2] ?? "";
  const vowels = "aeiou";
  if (last === "e") forms.push(`${word}s`, `${word}d`, `${word.slice(0, -1)}ing`);
  else if (last === "y" && !vowels.includes(beforeLast))
    forms.push(`${word.slice(0, -1)}ies`, `${word.slice(0, -1)}ied`, `${word}ing`);
  else if (/(s|sh|ch|x|z)$/.test(word)) forms.push(`${word}es`, `${word}ed`, `${word}ing`);
  else {
    forms.push(`${word}s`, `${word}ed`, `${word}ing`);
    // plan → planned, planning; ship → shipped: double a final consonant after one vowel.
    if (
      !vowels.includes(last) &&
      !"wxy".includes(last) &&
      vowels.includes(beforeLast) &&
      !vowels.includes(word[word.length - 3] ?? "a")
    ) {
      forms.push(`${word}${last}ed`, `${word}${last}ing`);
    }
  }
  return forms;
}

function toCue(spec: Spec): Cue {
  const caps: number[] = [];
  for (const [slot, weight] of Object.entries(spec.cap ?? {}))
    caps.push(SLOT_INDEX.get(slot as CapabilitySlot) as number, weight);
  const signals: number[] = [];
  for (const [signal, weight] of Object.entries(spec.sig ?? {}))
    signals.push(SIGNAL_INDEX.get(signal as Signal) as number, weight);
  let intents = 0;
  for (const intent of spec.intent ?? []) intents |= 1 << INTENTS.indexOf(intent);
  return {
    caps,
    intents,
    verb: spec.verb ?? 0,
    signals,
    flags: spec.flags ?? 0,
    count: spec.count ?? 0,
    gates: spec.gate ?? 0,
  };
}

/** Builds the word → cue map once at module load; explicit words win over generated inflections. */
function buildLexicon(): Map<string, Cue> {
  const lexicon = new Map<string, Cue>();
  const generated: Array<[string, Cue]> = [];
  for (const [words, spec] of TABLE) {
    const cue = toCue(spec);
    for (const word of words.split(/\s+/)) {
      if (!lexicon.has(word)) lexicon.set(word, cue);
      if (spec.inflect !== false) for (const form of inflections(word)) generated.push([form, cue]);
    }
  }
  for (const [form, cue] of generated) if (!lexicon.has(form)) lexicon.set(form, cue);
  return lexicon;
}

export const LEXICON: ReadonlyMap<string, Cue> = buildLexicon();
