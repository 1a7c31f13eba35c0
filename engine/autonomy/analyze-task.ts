import { readPhrases } from "./read-phrases";
import { scanEntities } from "./scan-entities";
import { cuesOf } from "./task-cues";
import { scoreStructure, type ShapeOfText } from "./score-structure";
import * as lexicon from "./task-lexicon";
import type { CapabilitySlot, Cue, Signal } from "./task-lexicon";
import * as vocabulary from "./vocabulary";
import type { Capability, Complexity, Intent, TaskFeatures } from "./vocabulary";

// Copied once: under a CommonJS transform (tsx) every use of an imported binding is a getter call,
// which cost a third of the analysis time on this hot path.
const {
  ARTICLE,
  COMPOSE,
  CONJ_AND,
  CONJ_OR,
  COUNT_BLOCKER,
  DELIVER,
  GATHER,
  LEXICON,
  MEMORY_FALSE_FRIEND,
  SIGNAL_INDEX,
  SIGNALS,
  SLOT_INDEX,
  SLOTS,
  UNIT,
  VERB_POSITION,
} = lexicon;
const { CAPABILITIES, INTENTS, STRUCTURE_THRESHOLDS } = vocabulary;

// Scratch buffers reused across calls (JavaScript runs one call at a time): no per-call arrays.
const scores = new Float64Array(SLOTS.length);
const firstAt = new Int32Array(SLOTS.length);
const signals = new Int32Array(SIGNALS.length);

const slot = (name: CapabilitySlot) => SLOT_INDEX.get(name) as number;
const COUNT = SIGNAL_INDEX.get("count" as Signal) as number;
const CLASSIFY = SIGNAL_INDEX.get("classify" as Signal) as number;
const ROUTE = SIGNAL_INDEX.get("route" as Signal) as number;
const WEB_FETCH = slot("web-fetch");
const WEB_SEARCH = slot("web-search");
const FILES = slot("files");
const CODE = slot("code-hosting");
const SQLITE = slot("sqlite");
const RELATIONAL = slot("relational-db");
const BROWSER = slot("browser-automation");
const DOCUMENTS = slot("documents");
const MEMORY = slot("memory");
const REASONING = slot("reasoning");
const MCP_TESTING = slot("mcp-testing");
const WEB_TARGET = slot("web-target");
const DB_GENERIC = slot("db-generic");
const SEARCH_GENERIC = slot("search-generic");
const FILES_GENERIC = slot("files-generic");
const FILES_WEAK = slot("files-weak");
const REASONING_WEAK = slot("reasoning-weak");
const RESEARCH_BIT = 1 << INTENTS.indexOf("research");
const REPORT_BITS = (1 << INTENTS.indexOf("generate")) | (1 << INTENTS.indexOf("summarise"));
const CAPABILITY_COUNT = CAPABILITIES.length;
/** Score at which a capability counts as needed; the MCP test server needs a clearer ask. */
const NEEDED = 2;

function add(index: number, weight: number, at: number): void {
  scores[index] = (scores[index] as number) + weight;
  if (weight > 0 && at >= 0 && ((firstAt[index] as number) < 0 || at < (firstAt[index] as number)))
    firstAt[index] = at;
}

function move(from: number, to: number): void {
  if ((scores[from] as number) > 0) add(to, scores[from] as number, firstAt[from] as number);
}

/** What one pass over the words found besides capability scores and signal counters. */
type Pass = ShapeOfText & {
  researches: boolean;
  intents: number;
  gates: number;
  deliverAtVerb: boolean;
  itemCount: number;
  words: number;
  keywords: string[];
  nounSegments: number;
};

/**
 * The first content word after a comma or a conjunction: a verb starts a new step ("…, load it"),
 * a noun continues a list; the conjunction closes it ("Paris, Tokyo and New York": three items).
 * With an Oxford comma the last item was already counted as a comma segment.
 */
function segment(pass: Pass, isVerb: boolean, afterComma: boolean, conjunction: number): void {
  if (afterComma) {
    if (isVerb) pass.verbSegments++;
    else pass.nounSegments++;
  } else if (isVerb && pass.verbSegments > 0) pass.verbSegments++; // "…, go to Settings, switch it and check": the last of a list of actions
  if (conjunction === 0 || isVerb || pass.nounSegments < (afterComma ? 2 : 1)) return;
  const items = pass.nounSegments + (afterComma ? 1 : 2);
  if (conjunction === CONJ_AND) pass.andList = Math.max(pass.andList, items);
  else pass.orList = Math.max(pass.orList, items);
}

function countParts(pass: Pass, value: number): void {
  signals[COUNT] = (signals[COUNT] as number) + 1;
  if (value > pass.itemCount) pass.itemCount = value;
}

const NO_TOPIC = 0;
const WEB_TOPIC = 1;
const FACT_TOPIC = 2;
/** Slots a topic keeps: researching a subject on the web still needs the web. */
const WEB_SLOTS = new Uint8Array(SLOTS.length);
for (const name of ["web-search", "web-fetch", "web-target", "search-generic"] as const)
  WEB_SLOTS[slot(name)] = 1;
const RESEARCH_NOUNS = new Set([
  "paper",
  "papers",
  "agent",
  "agents",
  "assistant",
  "team",
  "group",
  "lab",
  "article",
  "articles",
  "report",
  "reports",
  "question",
  "questions",
  "notes",
  "project",
  "grant",
  "proposal",
  "findings",
  "data",
]);

/** The word that starts after `from` (skipping spaces), or "". */
function nextWord(lower: string, from: number): string {
  let a = from;
  while (a < lower.length && lower.charCodeAt(a) === 32) a++;
  let b = a;
  while (b < lower.length && lower.charCodeAt(b) >= 97 && lower.charCodeAt(b) <= 122) b++;
  return lower.slice(a, b);
}

/** Whether the word at [start, end) is glued by "/" or an inner "." to a neighbour (a URL, path or file name). */
function isEntityPart(lower: string, start: number, end: number): boolean {
  const before = start > 0 ? lower.charCodeAt(start - 1) : 32;
  if (before === 47) return true;
  if (before === 46 && start > 1 && lower.charCodeAt(start - 2) !== 32) return true;
  const after = end < lower.length ? lower.charCodeAt(end) : 32;
  if (after === 47) return true;
  if (after === 58) return lower.charCodeAt(end + 1) === 47; // "https:"
  if (after !== 46) return false;
  const next = end + 1 < lower.length ? lower.charCodeAt(end + 1) : 32;
  return (next >= 97 && next <= 122) || (next >= 48 && next <= 57);
}

/** One pass over the words: capability weights, intents, signals, gates, and the shape of lists and verbs. */
function readWords(lower: string): Pass {
  const n = lower.length;
  const pass: Pass = {
    researches: false,
    andList: 0,
    orList: 0,
    verbSegments: 0,
    sequenceVerbs: 0,
    intents: 0,
    gates: 0,
    deliverAtVerb: false,
    itemCount: 0,
    words: 0,
    keywords: [],
    nounSegments: 0,
  };
  let verbPosition = true; // the next content word stands where a verb would
  let afterComma = false;
  let conjunction = 0; // CONJ_AND or CONJ_OR waiting for its segment
  let deliverWord = ""; // a deliver verb in verb position ("save", "load", "create")
  let feederWord = ""; // a gather or compose verb anywhere ("read", "assembled")
  let feederComposes = false;
  let pendingCount = 0; // a number whose next word decides whether it counts parts ("3 days" does not)
  let previousFlags = 0;
  let previousWasMemory = false;
  let previousWord = "";
  // What the words are about rather than what the task works with: after "research" or "write
  // … about" (a topic: only web words count) and after "remember that" (a fact: only memory counts).
  let topic = NO_TOPIC;
  let i = 0;
  while (i < n) {
    const c = lower.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) {
      if (c === 44) {
        afterComma = true;
        verbPosition = true;
        topic = NO_TOPIC;
      } else if (
        c === 59 ||
        c === 58 ||
        ((c === 46 || c === 33 || c === 63) && (i + 1 >= n || lower.charCodeAt(i + 1) === 32))
      ) {
        afterComma = false;
        conjunction = 0;
        pass.nounSegments = 0;
        verbPosition = true;
        topic = NO_TOPIC;
      }
      i++;
      continue;
    }
    let j = i + 1;
    for (
      let d = lower.charCodeAt(j);
      j < n && ((d >= 97 && d <= 122) || (d >= 48 && d <= 57));
      d = lower.charCodeAt(++j)
    );
    const word = lower.slice(i, j);
    const start = i;
    i = j;
    pass.words++;
    // A piece of a URL, path or file name ("search.acme.dev", "db/migrations", "README.md") is the
    // entity scan's to weigh: its words are not the task's words.
    // "research paper", "research agent": a noun, not the activity.
    const entityPart =
      isEntityPart(lower, start, j) ||
      (word === "research" && RESEARCH_NOUNS.has(nextWord(lower, j)));
    const cue: Cue | undefined = entityPart ? undefined : LEXICON.get(word);
    if (pendingCount > 0) {
      if (cue === undefined || (cue.flags & UNIT) === 0) countParts(pass, pendingCount);
      pendingCount = 0;
    }
    if (cue === undefined) {
      if (entityPart) {
        // a noun for the list and step shapes below, but neither a count nor a product name
      } else if (c >= 48 && c <= 57) {
        // A bare number ("3 variants") counts parts; versions, dates and times ("v2.3.0", "10/12") do not.
        const value = Number(word);
        const before = start > 0 ? lower.charCodeAt(start - 1) : 32;
        const after = j < n ? lower.charCodeAt(j) : 32;
        if (
          value >= 2 &&
          value <= 20 &&
          before === 32 &&
          after !== 46 &&
          after !== 58 &&
          after !== 47 &&
          after !== 45 &&
          (previousFlags & COUNT_BLOCKER) === 0
        ) {
          pendingCount = value;
        }
      } else if (word.length >= 4) pass.keywords.push(word);
      if (afterComma || conjunction !== 0) {
        segment(pass, false, afterComma, conjunction);
        afterComma = false;
        conjunction = 0;
      }
      verbPosition = false;
      previousFlags = 0;
      previousWasMemory = false;
      continue;
    }
    if (topic !== NO_TOPIC && verbPosition && cue.verb !== 0) topic = NO_TOPIC; // "…, and write a report": a new action
    const caps = cue.caps;
    for (let k = 0; k < caps.length; k += 2) {
      const slotIndex = caps[k] as number;
      if (
        topic === NO_TOPIC ||
        (topic === WEB_TOPIC ? WEB_SLOTS[slotIndex] === 1 : slotIndex === MEMORY)
      )
        add(slotIndex, caps[k + 1] as number, start);
    }
    if ((word === "research" || word === "researching") && verbPosition) {
      topic = WEB_TOPIC;
      pass.researches = true;
    } else if (
      feederComposes &&
      (word === "about" || word === "regarding" || word === "concerning")
    )
      topic = WEB_TOPIC;
    else if (
      word === "that" &&
      (previousWord === "remember" || previousWord === "memorize" || previousWord === "memorise")
    )
      topic = FACT_TOPIC;
    previousWord = word;
    const cueSignals = cue.signals;
    // "issues labelled bug", "tickets nobody is assigned": a state of the items, not sorting or sending them.
    const isParticiple = !verbPosition && word.endsWith("ed");
    for (let k = 0; k < cueSignals.length; k += 2) {
      const signal = cueSignals[k] as number;
      if (isParticiple && (signal === CLASSIFY || signal === ROUTE)) continue;
      signals[signal] = (signals[signal] as number) + (cueSignals[k + 1] as number);
    }
    pass.intents |= cue.intents;
    pass.gates |= cue.gates;
    const flags = cue.flags;
    if (previousWasMemory && (flags & MEMORY_FALSE_FRIEND) !== 0) add(MEMORY, -3, start);
    previousWasMemory = word === "memory";
    if (cue.count > 0 && (previousFlags & COUNT_BLOCKER) === 0) pendingCount = cue.count;
    previousFlags = flags;
    if ((flags & (CONJ_AND | CONJ_OR)) !== 0) {
      conjunction = flags & (CONJ_AND | CONJ_OR);
      verbPosition = true;
      continue;
    }
    if ((flags & ARTICLE) !== 0 || cue.count > 0) continue;
    if ((flags & VERB_POSITION) !== 0) {
      verbPosition = true;
      continue;
    }
    const verb = cue.verb;
    if (afterComma || conjunction !== 0) {
      segment(pass, verb !== 0, afterComma, conjunction);
      afterComma = false;
      conjunction = 0;
    }
    if ((verb & DELIVER) !== 0 && verbPosition && deliverWord === "") {
      deliverWord = word;
      pass.deliverAtVerb = true;
    }
    if (
      (verb & (GATHER | COMPOSE)) !== 0 &&
      word !== deliverWord &&
      (feederWord === "" || !feederComposes)
    ) {
      feederWord = word;
      feederComposes = (verb & COMPOSE) !== 0;
    }
    // Composing something and then delivering it are two steps (an LLM, then a tool); reading and
    // changing the same thing is one agent's job, so it weighs less.
    if (deliverWord !== "" && feederWord !== "" && feederWord !== deliverWord)
      pass.sequenceVerbs = feederComposes ? 3 : 2;
    verbPosition = false;
  }
  if (pendingCount > 0) countParts(pass, pendingCount);
  return pass;
}

/** Attributes the pseudo-capabilities once the whole task is known (see task-lexicon.ts). */
function resolveCapabilities(hasUrl: boolean, pass: Pass): void {
  // "the files changed in the last commit", "the file in Drive": that source's files, unless something is saved.
  if (
    ((scores[CODE] as number) < NEEDED && (scores[DOCUMENTS] as number) < NEEDED) ||
    pass.deliverAtVerb
  )
    move(FILES_GENERIC, FILES);
  if ((scores[BROWSER] as number) >= NEEDED) move(WEB_TARGET, BROWSER);
  else if (hasUrl || ((scores[DOCUMENTS] as number) < NEEDED && (scores[CODE] as number) < NEEDED))
    move(WEB_TARGET, WEB_FETCH);
  // Next to web research, "vector databases" is a topic; a database to query takes more ("table", SQL).
  const webTopic =
    (scores[WEB_SEARCH] as number) >= NEEDED || (scores[WEB_FETCH] as number) >= NEEDED;
  if ((scores[SQLITE] as number) >= NEEDED) move(DB_GENERIC, SQLITE);
  else if (
    (scores[RELATIONAL] as number) >= NEEDED ||
    (scores[DB_GENERIC] as number) >= (webTopic ? 3 : NEEDED)
  )
    move(DB_GENERIC, RELATIONAL);
  const hasConcreteSource =
    (scores[FILES] as number) >= NEEDED ||
    (scores[CODE] as number) >= NEEDED ||
    (scores[SQLITE] as number) >= NEEDED ||
    (scores[RELATIONAL] as number) >= NEEDED ||
    (scores[BROWSER] as number) >= NEEDED ||
    (scores[DOCUMENTS] as number) >= NEEDED ||
    (scores[MEMORY] as number) >= NEEDED;
  // "find", "search", "research": the web, unless the task names another source to search.
  if (!hasConcreteSource) move(SEARCH_GENERIC, WEB_SEARCH);
  // Researching on the web means reading the pages the search finds.
  if (
    (scores[WEB_SEARCH] as number) >= NEEDED &&
    (pass.intents & RESEARCH_BIT) !== 0 &&
    (scores[WEB_FETCH] as number) < NEEDED
  ) {
    add(WEB_FETCH, NEEDED, (firstAt[WEB_SEARCH] as number) + 1);
  }
  const hasAny =
    hasConcreteSource ||
    (scores[WEB_FETCH] as number) >= NEEDED ||
    (scores[WEB_SEARCH] as number) >= NEEDED ||
    (scores[MCP_TESTING] as number) >= 3 ||
    (scores[REASONING] as number) >= NEEDED;
  if (!hasAny && (scores[FILES_WEAK] as number) > 0)
    add(FILES, Math.max(NEEDED, scores[FILES_WEAK] as number), firstAt[FILES_WEAK] as number);
  if (!hasAny && (scores[REASONING_WEAK] as number) >= NEEDED)
    add(REASONING, scores[REASONING_WEAK] as number, firstAt[REASONING_WEAK] as number);
}

function rateComplexity(
  capabilityCount: number,
  intentCount: number,
  structureCount: number,
  words: number,
): Complexity {
  const score = capabilityCount + intentCount / 2 + structureCount + words / 25;
  return score < 2.5 ? "low" : score < 5 ? "medium" : "high";
}

/**
 * Reads a task's text into features: intents, entities, the capabilities it needs and the
 * structural signals that pick a workflow pattern. Pure in effect and fast (a few µs per task):
 * one lower-case copy, one pass of word look-ups, and a few gated regexes.
 * @example analyzeTask("Read data/events.csv and load it into a new SQLite table").capabilities // → ["files", "sqlite"]
 */
export function analyzeTask(text: string): TaskFeatures {
  const lower = text.toLowerCase();
  scores.fill(0);
  firstAt.fill(-1);
  signals.fill(0);
  const pass = readWords(lower);
  const { entities, hasUrl } = scanEntities(
    lower,
    add,
    SLOT_INDEX,
    (scores[CODE] as number) > 0,
    pass.deliverAtVerb,
  );
  const phrases = readPhrases(lower, pass.gates, scores, firstAt);
  resolveCapabilities(hasUrl, pass);

  // Needed capabilities in order of first mention (insertion sort: at most a handful).
  const capabilities: Capability[] = [];
  const positions: number[] = [];
  const capabilityScores: Partial<Record<Capability, number>> = {};
  let webPair = 0;
  for (let k = 0; k < CAPABILITY_COUNT; k++) {
    const score = scores[k] as number;
    if (score < (k === MCP_TESTING ? 3 : NEEDED)) continue;
    const capability = CAPABILITIES[k] as Capability;
    capabilityScores[capability] = score;
    if (k === WEB_FETCH || k === WEB_SEARCH) webPair++;
    const at = firstAt[k] as number;
    let p = capabilities.length;
    capabilities.push(capability);
    positions.push(at);
    while (p > 0 && (positions[p - 1] as number) > at) {
      capabilities[p] = capabilities[p - 1] as Capability;
      positions[p] = positions[p - 1] as number;
      p--;
    }
    capabilities[p] = capability;
    positions[p] = at;
  }

  const intents: Intent[] = [];
  for (let k = 0; k < INTENTS.length; k++)
    if ((pass.intents & (1 << k)) !== 0) intents.push(INTENTS[k] as Intent);
  // Searching the web and reading what it finds is one activity, not two steps.
  // Researching a subject and writing it up is open-ended work: what to read depends on what is found.
  const researchReport = pass.researches && (pass.intents & REPORT_BITS) !== 0;
  const structureScores = scoreStructure(
    signals,
    pass,
    phrases,
    capabilities.length - (webPair === 2 ? 1 : 0),
    intents.length,
    researchReport,
  );
  const T = STRUCTURE_THRESHOLDS;
  const structure = {
    splits: structureScores.splits >= T.splits,
    iterates: structureScores.iterates >= T.iterates,
    routes: structureScores.routes >= T.routes,
    handsOff: structureScores.handsOff >= T.handsOff,
    sequence: structureScores.sequence >= T.sequence,
    plans: structureScores.plans >= T.plans,
  };
  const structureCount =
    +structure.splits +
    +structure.iterates +
    +structure.routes +
    +structure.handsOff +
    +structure.sequence +
    +structure.plans;
  return {
    text,
    intents,
    entities,
    capabilities,
    capabilityScores,
    structure,
    structureScores,
    itemCount: Math.max(pass.itemCount, pass.andList, pass.orList),
    complexity: rateComplexity(capabilities.length, intents.length, structureCount, pass.words),
    keywords: pass.keywords,
    cues: cuesOf(text, entities, capabilities),
  };
}
