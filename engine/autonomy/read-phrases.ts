import * as lexicon from "./task-lexicon";
import type { CapabilitySlot } from "./task-lexicon";

/**
 * Phrases one word cannot carry ("search the web", "plan and carry out", "at the same time").
 * Each regex runs only when the word pass saw one of its key words (the gates in task-lexicon.ts),
 * so most tasks run two or three of them at most.
 */

// Copied once: under a CommonJS transform (tsx) every use of an imported binding is a getter call.
const {
  SLOT_INDEX,
  GATE_WEB_SEARCH,
  GATE_DRIVE,
  GATE_PULL_REQUEST,
  GATE_REASONING,
  GATE_SEQUENTIAL,
  GATE_SERVER,
  GATE_PLAN,
  GATE_CONCURRENT,
  GATE_THROUGH,
  GATE_HAND,
  GATE_DECIDE,
  GATE_LOOKUP,
  GATE_LOGIN,
  GATE_ROUTE_TO,
  GATE_OPEN,
} = lexicon;

const CONCURRENT_RE = /\b(?:at the same time|in parallel|side by side|all at once|at once)\b/;
const PLAN_PHRASE_RE =
  /\bplan (?:and|then) (?:carry|execute|run|do|perform|implement|deliver)|\bcarry (?:it |them )?out\b|\bbreak (?:it |this |that |the \w+ )?(?:down|into)\b|\bwrite (?:it )?up\b|\bcome up with\b|\bput together\b/;
const WEB_SEARCH_RE =
  /\bsearch(?:es|ing)? (?:the )?(?:web|internet)\b|\bweb search\b|\bsearch engine\b|\bon the (?:web|internet)\b/;
const THROUGH_RE = /\b(?:click|clicks|clicking|walk|walks|go|goes|navigate|navigates) through\b/;
const DRIVE_RE =
  /\b(google|shared|the|my|our|team|in|on|from|to|into) drive\b|\bgoogle (?:docs?|sheets?|slides)\b|\bdrive (?:folder|file)s?\b/;
const CODE_RE = /\b(?:pull|merge) requests?\b/;
const HANDOFF_RE = /\bhand(?:s|ed|ing)? (?:it |them |\w+ )?(?:off|over|back)\b/;
const CLASSIFY_RE =
  /\b(?:decide|decides|determine|determines|work out|figure out|judge) (?:whether|if|which)\b/;
/** Deciding the parts first, then working through each: the orchestrator's decomposition. */
const DECOMPOSE_RE =
  /\b(?:decide|decides|determine|determines|work out|figure out) (?:which|what|the|how)\b[^.;:]*,[^.;:]*\b(?:each|every)\b/;
/** Finding out why something happened: an investigation whose next steps depend on what it finds. */
const INVESTIGATE_RE =
  /\b(?:figure|work|find) out why\b|\bdig(?:s|ging)? (?:into|in)\b|\broot[- ]causes?\b|\b(?:investigate|explain|find|report) (?:why|what happened|the (?:likely |probable |root )?cause)\b|\blikely cause\b/;
/** Signing in to a site is done in a browser. */
const LOGIN_RE = /\b(?:log|logs|logged|logging|sign|signs|signed|signing) ?(?:in|into|on)\b/;
/** "bugs go to the bug-fix agent", "send it to the SQL agent": items sent on to one of several handlers. */
const ROUTE_TO_RE =
  /\b(?:go|goes|send|sends|sent|pass|passes|passed|forward|forwards)\b[^.;]*?\bto (?:the |a |an |that |its )?(?:[\w-]+ ){0,3}?(?:agent|handler|team|queue|model|writer|specialist|department|inbox|desk|channel)s?\b/;
/** Opening or reading a page is fetching it. */
const OPEN_PAGE_RE =
  /\b(?:open|opens|opening|read|reads|reading|visit|visits|visiting)\b (?:\w+ ){0,2}?(?:page|pages|webpage|site|website|homepage|article|articles|link|links|result|results)\b/;
const REASONING_RE =
  /\bstep[- ]by[- ]step\b|\bthink (?:it |this |things )?through\b|\bchain of thought\b/;
const SEQUENTIAL_RE = /\bsequential[- ]?thinking\b/;
const TEST_SERVER_RE =
  /\btest(?:ing)? (?:mcp )?server\b|\beverything (?:(?:mcp|reference|test|demo|example) )*server\b|\bmcp (?:test|testing|reference) server\b|\breference (?:mcp )?server\b/;
const LOOKUP_RE = /\blook(?:s|ed|ing)? (?:\S+ ){0,3}?up\b/;
const FILE_AN_ISSUE_RE = /\bfile (?:an?|the|new) (?:issue|bug)/;

const slot = (name: CapabilitySlot) => SLOT_INDEX.get(name) as number;
const WEB_SEARCH = slot("web-search");
const WEB_TARGET = slot("web-target");
const DOCUMENTS = slot("documents");
const CODE = slot("code-hosting");
const FILES = slot("files");
const REASONING = slot("reasoning");
const SEARCH_GENERIC = slot("search-generic");
const REASONING_WEAK = slot("reasoning-weak");
const MCP_TESTING = slot("mcp-testing");
const BROWSER = slot("browser-automation");

export type PhraseFlags = {
  concurrent: boolean;
  planPhrase: boolean;
  through: boolean;
  handOff: boolean;
  decide: boolean;
  /** Items sent to one of several named handlers. */
  routeTo: boolean;
  /** "figure out why", "dig into", "root cause". */
  investigate: boolean;
  /** "step by step": a way of thinking, not steps of a workflow. */
  stepByStep: boolean;
};

function add(
  scores: Float64Array,
  firstAt: Int32Array,
  index: number,
  weight: number,
  at: number,
): void {
  scores[index] = (scores[index] as number) + weight;
  if (weight > 0 && ((firstAt[index] as number) < 0 || at < (firstAt[index] as number)))
    firstAt[index] = at;
}

/**
 * Adds the capability weights of phrases to `scores` and returns the structural phrase flags.
 * @example readPhrases("search the web for x", GATE_WEB_SEARCH, scores, firstAt).concurrent // → false
 */
export function readPhrases(
  lower: string,
  gates: number,
  scores: Float64Array,
  firstAt: Int32Array,
): PhraseFlags {
  let m: RegExpExecArray | null;
  if ((gates & GATE_WEB_SEARCH) !== 0 && (m = WEB_SEARCH_RE.exec(lower)))
    add(scores, firstAt, WEB_SEARCH, 3, m.index);
  if ((gates & GATE_DRIVE) !== 0 && (m = DRIVE_RE.exec(lower))) {
    add(scores, firstAt, DOCUMENTS, 4, m.index);
    // "Google Drive" is not a Google search.
    if (lower.indexOf("google") >= 0) add(scores, firstAt, WEB_SEARCH, -2, m.index);
  }
  if ((gates & GATE_PULL_REQUEST) !== 0 && (m = CODE_RE.exec(lower)))
    add(scores, firstAt, CODE, 3, m.index);
  let stepByStep = false;
  if ((gates & GATE_REASONING) !== 0 && (m = REASONING_RE.exec(lower))) {
    add(scores, firstAt, REASONING_WEAK, 2, m.index);
    stepByStep = m[0].startsWith("step");
  }
  if ((gates & GATE_OPEN) !== 0 && (m = OPEN_PAGE_RE.exec(lower)))
    add(scores, firstAt, WEB_TARGET, 2, m.index);
  if ((gates & GATE_LOGIN) !== 0 && (m = LOGIN_RE.exec(lower)))
    add(scores, firstAt, BROWSER, 3, m.index);
  // "Look up X" asks for a fact; web search unless the task names another source.
  if ((gates & GATE_LOOKUP) !== 0 && (m = LOOKUP_RE.exec(lower)))
    add(scores, firstAt, SEARCH_GENERIC, 1, m.index);
  if ((gates & GATE_SEQUENTIAL) !== 0 && (m = SEQUENTIAL_RE.exec(lower)))
    add(scores, firstAt, REASONING, 4, m.index);
  if ((gates & GATE_SERVER) !== 0 && (m = TEST_SERVER_RE.exec(lower)))
    add(scores, firstAt, MCP_TESTING, 3, m.index);
  if ((scores[FILES] as number) > 0 && (scores[CODE] as number) > 0 && FILE_AN_ISSUE_RE.test(lower))
    add(scores, firstAt, FILES, -2, 0);
  return {
    concurrent: (gates & GATE_CONCURRENT) !== 0 && CONCURRENT_RE.test(lower),
    planPhrase:
      ((gates & GATE_PLAN) !== 0 && PLAN_PHRASE_RE.test(lower)) ||
      ((gates & GATE_DECIDE) !== 0 && DECOMPOSE_RE.test(lower)),
    through: (gates & GATE_THROUGH) !== 0 && THROUGH_RE.test(lower),
    handOff: (gates & GATE_HAND) !== 0 && HANDOFF_RE.test(lower),
    decide: (gates & GATE_DECIDE) !== 0 && CLASSIFY_RE.test(lower),
    routeTo: (gates & GATE_ROUTE_TO) !== 0 && ROUTE_TO_RE.test(lower),
    investigate: (gates & GATE_DECIDE) !== 0 && INVESTIGATE_RE.test(lower),
    stepByStep,
  };
}
