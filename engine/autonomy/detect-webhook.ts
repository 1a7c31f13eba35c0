import { quote, type Sentence, type Token } from "./trigger-words";

/**
 * Events from outside that start a workflow: a clause "when|whenever|every time|as soon as <someone
 * or something> <event verb>" ("when a form is submitted", "whenever the build fails", "when we
 * receive an order"), or a noun phrase "on every|each|new <event>" ("on every Stripe payment",
 * "for each new signup"). The event verbs and nouns are the lexicon; the clause shape is the rule.
 * Not events: questions ("When was the invoice paid?"), "when" followed by a verb or "to" ("when
 * to use it"), a definite thing's own state inside a run ("when the report is ready, email it":
 * that is the next step, not a trigger), and the task's own agent ("when you are done").
 */

export type WebhookReading = { description: string; phrase: string; source?: string };

/** base, third person, participle(s). */
const EVENT_VERBS: readonly (readonly string[])[] = [
  ["submit", "submits", "submitted"],
  ["open", "opens", "opened"],
  ["create", "creates", "created"],
  ["file", "files", "filed"],
  ["raise", "raises", "raised"],
  ["place", "places", "placed"],
  ["pay", "pays", "paid"],
  ["merge", "merges", "merged"],
  ["push", "pushes", "pushed"],
  ["register", "registers", "registered"],
  ["upload", "uploads", "uploaded"],
  ["add", "adds", "added"],
  ["update", "updates", "updated"],
  ["change", "changes", "changed"],
  ["close", "closes", "closed"],
  ["publish", "publishes", "published"],
  ["post", "posts", "posted"],
  ["book", "books", "booked"],
  ["cancel", "cancels", "cancelled", "canceled"],
  ["delete", "deletes", "deleted"],
  ["assign", "assigns", "assigned"],
  ["label", "labels", "labeled", "labelled"],
  ["tag", "tags", "tagged"],
  ["deploy", "deploys", "deployed"],
  ["release", "releases", "released"],
  ["send", "sends", "sent"],
  ["approve", "approves", "approved"],
  ["reject", "rejects", "rejected"],
  ["star", "stars", "starred"],
  ["fork", "forks", "forked"],
  ["comment", "comments", "commented"],
  ["mention", "mentions", "mentioned"],
  ["make", "makes", "made"],
  ["refund", "refunds", "refunded"],
  ["charge", "charges", "charged"],
  ["buy", "buys", "bought"],
  ["purchase", "purchases", "purchased"],
  ["order", "orders", "ordered"],
  ["subscribe", "subscribes", "subscribed"],
  ["unsubscribe", "unsubscribes", "unsubscribed"],
  ["join", "joins", "joined"],
  ["fail", "fails", "failed"],
  ["reply", "replies", "replied"],
  ["report", "reports", "reported"],
  ["receive", "receives", "received"],
  ["get", "gets"],
  ["arrive", "arrives", "arrived"],
  ["land", "lands", "landed"],
  ["trigger", "triggers", "triggered"],
  ["fire", "fires", "fired"],
  ["escalate", "escalates", "escalated"],
  ["sign", "signs", "signed"],
  ["come", "comes"],
  ["complete", "completes", "completed"],
  ["ship", "ships", "shipped"],
  ["crash", "crashes", "crashed"],
];
/** Verbs that are an event only with their particle: "signs up", "comes in". */
const PARTICLES: Readonly<Record<string, string>> = { sign: "up", come: "in" };
const ACTIVE = new Map<string, string>();
const PARTICIPLES = new Map<string, string>();
for (const [base, third, ...participles] of EVENT_VERBS) {
  ACTIVE.set(base as string, base as string);
  ACTIVE.set(third as string, base as string);
  for (const p of participles) PARTICIPLES.set(p, base as string);
}
/** We or I receive things; other verbs after "we" are the task's own doing ("when we open the file"). */
const RECEIVED = new Set(["receive", "get"]);

const EVENT_NOUNS = new Set(
  [
    "payment",
    "order",
    "purchase",
    "sale",
    "signup",
    "registration",
    "submission",
    "push",
    "commit",
    "merge",
    "request",
    "issue",
    "comment",
    "message",
    "email",
    "ticket",
    "booking",
    "reservation",
    "deploy",
    "deployment",
    "release",
    "upload",
    "subscription",
    "refund",
    "charge",
    "invoice",
    "lead",
    "mention",
    "review",
    "event",
    "alert",
    "checkout",
    "donation",
    "application",
    "reply",
    "webhook",
    "notification",
    "transaction",
    "incident",
    "cancellation",
    "response",
  ].flatMap((n) => [
    n,
    /(?:sh|ch|s|x)$/.test(n) ? `${n}es` : n.endsWith("y") ? `${n.slice(0, -1)}ies` : `${n}s`,
  ]),
);

/** A subject that names someone or something outside the run: "a form", "new orders", "someone", "we", "Stripe". */
const OUTSIDE_SUBJECT = new Set([
  "a",
  "an",
  "any",
  "new",
  "someone",
  "somebody",
  "anyone",
  "anybody",
  "we",
  "i",
  "our",
  "customers",
  "users",
  "people",
  "visitors",
  "clients",
]);
/** "when was…", "when to…", "when it's done", "when you finish": a question, an instruction or the run itself. */
const NOT_A_SUBJECT = new Set([
  "was",
  "is",
  "are",
  "were",
  "did",
  "does",
  "do",
  "will",
  "would",
  "should",
  "can",
  "could",
  "to",
  "it",
  "it's",
  "its",
  "you",
  "you're",
  "they",
  "he",
  "she",
  "this",
  "that",
  "done",
  "ready",
  "finished",
  "complete",
  "necessary",
  "needed",
  "possible",
  "needed",
  "asked",
  "in",
]);
const QUESTION_WORDS = new Set([
  "what",
  "when",
  "why",
  "how",
  "who",
  "which",
  "where",
  "is",
  "are",
  "was",
  "were",
  "do",
  "does",
  "did",
  "has",
  "have",
  "had",
]);
const FRAMING = new Set([
  "explain",
  "describe",
  "define",
  "document",
  "happens",
  "happened",
  "happen",
]);
const DETERMINERS = new Set([
  "a",
  "an",
  "the",
  "any",
  "every",
  "each",
  "new",
  "our",
  "my",
  "your",
  "their",
  "this",
  "that",
  "its",
]);
const PREPOSITIONS = new Set([
  "on",
  "in",
  "to",
  "from",
  "via",
  "through",
  "at",
  "into",
  "by",
  "for",
  "with",
]);
const STOPS = new Set([",", "-", "and", "then", "or", "so", "but", "please", "if", "we", "i"]);
/** Verbs whose object takes "on": "comment on each issue" is the task's own work, not an event. */
const ON_VERBS = new Set([
  "comment",
  "comments",
  "commenting",
  "report",
  "reports",
  "reporting",
  "work",
  "working",
  "focus",
  "click",
  "based",
  "depending",
  "depends",
  "act",
  "reflect",
  "vote",
  "spend",
  "spent",
  "follow",
  "follows",
  "check",
]);

/** A noun phrase from k: determiners, then one word and any capitalized words after it ("our website", "GitHub"). */
function nounPhraseEnd(t: readonly Token[], k: number, limit: number): number {
  let j = k;
  while (j < limit && DETERMINERS.has(t[j]!.word)) j++;
  if (j >= limit || STOPS.has(t[j]!.word) || PREPOSITIONS.has(t[j]!.word)) return k;
  j++;
  while (j < limit && t[j]!.isCapitalized) j++;
  return j;
}

/** After the event: its object (active verbs) and one place ("on GitHub", "from the shop"). */
function tailEnd(t: readonly Token[], k: number, isActive: boolean): number {
  let j = isActive ? nounPhraseEnd(t, k, t.length) : k;
  if (j < t.length && PREPOSITIONS.has(t[j]!.word)) {
    const end = nounPhraseEnd(t, j + 1, t.length);
    if (end > j + 1) j = end;
  }
  return j;
}

function sourceOf(t: readonly Token[], from: number, to: number, s: Sentence): string | undefined {
  for (let k = from; k < to; k++)
    if (t[k]!.isCapitalized && t[k]!.word !== "i") return s.text.slice(t[k]!.start, t[k]!.end);
  return undefined;
}

function reading(s: Sentence, from: number, to: number, sourceFrom: number): WebhookReading {
  const phrase = quote(s, from, to);
  const source = sourceOf(s.tokens, sourceFrom, to, s);
  // Lower-case the connective when the phrase starts the sentence ("When a form…" → "when a form…").
  const description =
    s.tokens[from]!.isCapitalized || from > 0 ? phrase : phrase[0]!.toLowerCase() + phrase.slice(1);
  return { description, phrase, ...(source ? { source } : {}) };
}

/** "when|whenever|every time|as soon as" + subject + event verb, from token i; undefined if it is not an event. */
function readEventClause(s: Sentence, i: number): WebhookReading | undefined {
  const t = s.tokens;
  const w = t[i]!.word;
  let c: number;
  let isRelaxed = false;
  if (w === "when") c = i + 1;
  else if (w === "whenever") [c, isRelaxed] = [i + 1, true];
  else if ((w === "every" || w === "each") && t[i + 1]?.word === "time")
    [c, isRelaxed] = [i + 2, true];
  else if (w === "as" && t[i + 1]?.word === "soon" && t[i + 2]?.word === "as") c = i + 3;
  else return undefined;
  if (t[c]?.word === "that") c++;
  const first = t[c];
  if (!first || NOT_A_SUBJECT.has(first.word)) return undefined;
  const isWe = first.word === "we" || first.word === "i";
  const isOutside =
    isRelaxed ||
    OUTSIDE_SUBJECT.has(first.word) ||
    first.isCapitalized ||
    (first.word.endsWith("s") && ACTIVE.get(t[c + 1]?.word ?? "") === t[c + 1]?.word);
  if (!isOutside) return undefined;
  for (let k = c + 1; k < Math.min(t.length, c + 9); k++) {
    const word = t[k]!.word;
    if (word === "," || word === "then") return undefined;
    // Passive: "is submitted", "gets merged", "has been paid".
    const aux =
      word === "is" || word === "are" || word === "gets" || word === "get"
        ? 1
        : (word === "has" || word === "have") && t[k + 1]?.word === "been"
          ? 2
          : 0;
    const participle = aux && !isWe ? PARTICIPLES.get(t[k + aux]?.word ?? "") : undefined;
    if (participle) {
      let end = k + aux + 1;
      if (PARTICLES[participle]) {
        if (t[end]?.word !== PARTICLES[participle]) continue;
        end++;
      }
      return reading(s, i, tailEnd(t, end, false), c);
    }
    // Active: "a user signs up", "customers place orders", "we receive an order"; not a noun after "a"/"new".
    const base = ACTIVE.get(word);
    if (!base || DETERMINERS.has(t[k - 1]!.word) || (isWe && !RECEIVED.has(base))) continue;
    if (isWe && k !== c + 1) continue;
    let end = k + 1;
    if (PARTICLES[base]) {
      if (t[end]?.word !== PARTICLES[base]) continue;
      end++;
    }
    return reading(s, i, tailEnd(t, end, true), c);
  }
  return undefined;
}

/** "on every Stripe payment", "after each deploy", "for every new signup", "on new orders", from token i. */
function readEventNoun(s: Sentence, i: number): WebhookReading | undefined {
  const t = s.tokens;
  const w = t[i]!.word;
  if (w !== "on" && w !== "upon" && w !== "after" && w !== "for") return undefined;
  if (i > 0 && ON_VERBS.has(t[i - 1]!.word)) return undefined;
  let k = i + 1;
  const quantifier = t[k]?.word;
  const isEvery = quantifier === "every" || quantifier === "each" || quantifier === "any";
  if (isEvery) k++;
  const isNew = t[k]?.word === "new" || t[k]?.word === "incoming";
  if (isNew) k++;
  if (!(isEvery || isNew) || (w === "for" && !isNew)) return undefined;
  for (let end = k; end < Math.min(t.length, k + 3); end++) {
    const word = t[end]!.word;
    if (STOPS.has(word) || PREPOSITIONS.has(word)) return undefined;
    if (!EVENT_NOUNS.has(word)) continue;
    const after = t[end + 1]?.word;
    // "on each issue in the repository": going through items, not an event.
    if ((after === "in" || after === "of") && DETERMINERS.has(t[end + 2]?.word ?? ""))
      return undefined;
    return reading(s, i, tailEnd(t, end + 1, false), i + 1);
  }
  return undefined;
}

/** Cheap gate: a sentence without one of these words holds no event. */
export const WEBHOOK_GATE =
  /\b(?:when|whenever|every time|each time|as soon as|(?:on|upon|after|for) (?:every|each|any|new|incoming))\b/i;

/**
 * The events a sentence says start the workflow.
 * @example readWebhooks(readSentences("When a form is submitted, add it to the sheet")[0]) // → [{ description: "when a form is submitted", … }]
 */
export function readWebhooks(sentence: Sentence): WebhookReading[] {
  if (!WEBHOOK_GATE.test(sentence.text)) return [];
  const t = sentence.tokens;
  if (sentence.isQuestion && QUESTION_WORDS.has(t[0]?.word ?? "")) return [];
  const found: WebhookReading[] = [];
  for (let i = 0; i < t.length; i++) {
    if (FRAMING.has(t[i]!.word)) return found; // "explain what happens when a user signs up"
    const event = readEventClause(sentence, i) ?? readEventNoun(sentence, i);
    if (event) found.push(event);
  }
  return found;
}
