import { catalogMetaOf, type ServerJson } from "../schema/catalog";
import { CAPABILITY_TERMS, ENTITY_TERMS, SYNONYMS } from "./discovery-terms";
import { buildTextIndex, contributionOf, scoreTerms, termsOf, type TextIndex } from "./text-index";
import { predictLinear, type LinearModel } from "./linear-model";
import { ANY_SERVER, SERVER_MODEL } from "./task-models";
import type { Capability, TaskFeatures } from "./vocabulary";

/**
 * Server discovery by retrieval: every catalog entry is a document (its name and title, tool names,
 * description and tool descriptions, weighted in that order) in a BM25F index, and a task is a
 * query (its own words, synonyms, words for the entities it names and for the capabilities the
 * analyzer found). Nothing here is written for one server: an entry synced from a registry is found
 * by what it says it does. Below a minimum score (learned with the server model, `DiscoveryThresholds`)
 * an entry counts as unrelated, so a task that needs no tool gets no server.
 */

/** A catalog entry as discovery needs it: server.json's name, title and description, plus tools and category. */
export type CatalogEntryInput = {
  name: string;
  title?: string;
  description: string;
  tools?: readonly string[];
  /** What each tool says it does, when the catalog knows it. */
  toolDescriptions?: readonly string[];
  category?: string;
  /** Built-in entries win ties against look-alikes imported by a tenant. */
  isBuiltin?: boolean;
};

type IndexedEntry = CatalogEntryInput & {
  shortName: string;
  tools: readonly string[];
  isBuiltin: boolean;
};

export type DiscoveryIndex = {
  entries: readonly IndexedEntry[];
  text: TextIndex;
  /** Per capability, the stemmed terms a catalog uses for it. */
  capabilityTerms: ReadonlyMap<Capability, ReadonlySet<string>>;
  /** Short name → the entry that stands for it (a built-in before look-alikes). */
  firstByShortName: ReadonlyMap<string, number>;
  /** The learned server model, or null for retrieval alone. */
  model: LinearModel | null;
  /** The model's learned thresholds (or those given when the index was built). */
  thresholds: DiscoveryThresholds;
};

export type DiscoveredServer = {
  name: string;
  shortName: string;
  title: string;
  /** The needed capability this entry serves for the task; null when it matched on other words (a product the task names). */
  capability: Capability | null;
  /** 0–1: how strongly the entry matches the task. */
  score: number;
  reason: string;
  isBuiltin: boolean;
  tools: readonly string[];
};

export type DiscoveryResult = {
  /** The servers the planner builds with: the candidates it is fairly sure of, in the order the task uses them. */
  servers: DiscoveredServer[];
  /** Up to three entries the task most likely needs, in the order it uses them (what `autonomy analyze` lists and a model is handed). */
  candidates: DiscoveredServer[];
  /** Runner-up entries, when asked for. */
  alternatives: DiscoveredServer[];
  /** Needed capabilities no catalog entry serves. */
  missing: Capability[];
};

export type DiscoverOptions = {
  /** Added to an entry's fit by short name, e.g. from the user's past edits (engine/learning preferences). */
  serverBias?: Readonly<Record<string, number>>;
  /** Runner-up entries to return per chosen server (default 0). */
  alternatives?: number;
  /** Overrides the index's thresholds (training tries candidate values with them). */
  thresholds?: Partial<DiscoveryThresholds>;
};

/**
 * When discovery says a task needs a server, and which ones it lists and builds with. None of these
 * but `minScore` and `sureOfOne` is chosen by hand: `trainTaskModels` picks them on the training
 * writers only (an inner cross-validation over those writers, train-task-models.ts) and stores them
 * in the server model (`models/servers.json`, `thresholds`), so a writer held out by
 * bench:autonomy never influenced them. The other defaults below are used only by a model that carries none.
 */
export type DiscoveryThresholds = {
  /** BM25 score below which an entry is unrelated to the task. */
  minScore: number;
  /** The learned model's probability that a task needs any server at all, below which it needs none. */
  needsServer: number;
  /** …and it must rate at least one server this high. */
  sureOfOne: number;
  /** A server the learned model rates below this is not a candidate even when the task needs servers. */
  minProbability: number;
  /** A candidate the planner builds with scores at least this. */
  planned: number;
};

export const DEFAULT_THRESHOLDS: DiscoveryThresholds = {
  /**
   * Not learned: it gates the entries the learned model does not know (a tenant's imports, a
   * registry's), and the labelled corpus names built-in servers only, which the model judges.
   * Set on our own dev fixtures (tasks needing no server: 95 % below 7.5; the servers a task
   * needs: 95 % above 11.7), so the dev writer's held-out figures are not free of it.
   */
  minScore: 9,
  needsServer: 0.5,
  /**
   * Not learned either, for the same reason: it keeps a task whose server the catalog lacks ("a
   * Jira ticket" without a Jira entry) from getting unrelated servers, and no labelled task needs
   * a server missing from the built-in catalog, so cross-validation would always lower it to the
   * bottom of its grid (more recall, nothing seen to lose). 0.1 is what that grid picked when it
   * still weighed recall and no-server precision alike.
   */
  sureOfOne: 0.1,
  minProbability: 0.02,
  planned: 0.25,
};

/** The thresholds a learned server model carries, with the defaults for any it lacks. */
export function thresholdsOf(model: LinearModel | null | undefined): DiscoveryThresholds {
  const stored = model?.thresholds ?? {};
  const out = { ...DEFAULT_THRESHOLDS };
  for (const key of Object.keys(out) as (keyof DiscoveryThresholds)[]) {
    const value = stored[key];
    if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

const MAX_SERVERS = 3;
/** The raw score that reads as 0.5. */
const SCORE_HALF = 9;
/** Ties between look-alikes go to the built-in entry. */
const BUILTIN_BONUS = 0.01;
/** How much one unit of learned bias moves an entry's 0–1 score. */
const BIAS_UNIT = 0.2;
const ALIASES: Record<string, string> = {
  gdrive: "google-drive",
  "google-drive": "google-drive",
  postgresql: "postgres",
  sequentialthinking: "sequential-thinking",
};
const FIELD_WEIGHTS = { name: 3, tools: 2, description: 1, toolDescriptions: 1 };
const QUERY_WEIGHTS = { text: 1, synonym: 0.6, entity: 1, capability: 0.8 };

/**
 * The short name a workflow uses for an entry: the last part of its reverse-DNS name without
 * `server-`/`mcp-` affixes, through a small alias table.
 * @example shortNameOf("io.github.modelcontextprotocol/server-gdrive") // → "google-drive"
 */
export function shortNameOf(name: string): string {
  let short = (name.slice(name.lastIndexOf("/") + 1) || name).toLowerCase();
  for (const prefix of ["mcp-server-", "server-", "mcp-"])
    if (short.startsWith(prefix) && short.length > prefix.length)
      short = short.slice(prefix.length);
  for (const suffix of ["-mcp-server", "-server", "-mcp"])
    if (short.endsWith(suffix) && short.length > suffix.length)
      short = short.slice(0, -suffix.length);
  return ALIASES[short] ?? short;
}

/**
 * A catalog row (server.json plus its tools) as discovery input.
 * @example toCatalogEntryInput(BUILTIN_CATALOG[0].serverJson, BUILTIN_CATALOG[0].tools, true)
 */
export function toCatalogEntryInput(
  serverJson: ServerJson,
  tools: readonly string[],
  isBuiltin = false,
): CatalogEntryInput {
  return {
    name: serverJson.name,
    ...(serverJson.title ? { title: serverJson.title } : {}),
    description: serverJson.description,
    tools,
    category: catalogMetaOf(serverJson).category,
    isBuiltin,
  };
}

const stems = (text: string) => termsOf(text).map((t) => t.term);

/**
 * Indexes a catalog for discovery. `model` is the learned server model (the committed one by
 * default; null for retrieval alone).
 * @example const index = buildDiscoveryIndex(BUILTIN_CATALOG.map((e) => toCatalogEntryInput(e.serverJson, e.tools, true)))
 */
export function buildDiscoveryIndex(
  entries: readonly CatalogEntryInput[],
  options: { model?: LinearModel | null; thresholds?: Partial<DiscoveryThresholds> } = {},
): DiscoveryIndex {
  const indexed: IndexedEntry[] = entries.map((entry) => ({
    ...entry,
    shortName: shortNameOf(entry.name),
    tools: entry.tools ?? [],
    isBuiltin: entry.isBuiltin ?? false,
  }));
  const text = buildTextIndex(
    indexed.map((entry) => [
      {
        text: `${entry.shortName.replace(/-/g, " ")} ${entry.title ?? ""}`,
        weight: FIELD_WEIGHTS.name,
      },
      { text: entry.tools.join(" "), weight: FIELD_WEIGHTS.tools },
      { text: entry.description, weight: FIELD_WEIGHTS.description },
      { text: (entry.toolDescriptions ?? []).join(" "), weight: FIELD_WEIGHTS.toolDescriptions },
    ]),
  );
  const capabilityTerms = new Map<Capability, ReadonlySet<string>>();
  for (const [capability, words] of Object.entries(CAPABILITY_TERMS))
    capabilityTerms.set(capability as Capability, new Set(stems(words)));
  const firstByShortName = new Map<string, number>();
  indexed.forEach((entry, i) => {
    const known = firstByShortName.get(entry.shortName);
    if (known === undefined || (entry.isBuiltin && !(indexed[known] as IndexedEntry).isBuiltin))
      firstByShortName.set(entry.shortName, i);
  });
  const model = options.model === undefined ? SERVER_MODEL : options.model;
  const thresholds = { ...thresholdsOf(model), ...options.thresholds };
  return { entries: indexed, text, capabilityTerms, firstByShortName, model, thresholds };
}

type QueryTerm = { weight: number };

/** The task as query terms: its words, their synonyms, its entities' and its capabilities' words. */
function queryOf(
  features: Pick<TaskFeatures, "text" | "entities" | "capabilities">,
): Map<string, QueryTerm> {
  const query = new Map<string, QueryTerm>();
  const add = (term: string, weight: number) => {
    const known = query.get(term);
    if (!known) query.set(term, { weight });
    else known.weight = Math.min(2, known.weight + weight / 2);
  };
  for (const { term } of termsOf(features.text)) {
    add(term, QUERY_WEIGHTS.text);
    const synonyms = SYNONYMS[term];
    if (synonyms) for (const synonym of stems(synonyms)) add(synonym, QUERY_WEIGHTS.synonym);
  }
  for (const entity of features.entities)
    for (const term of stems(ENTITY_TERMS[entity.kind])) add(term, QUERY_WEIGHTS.entity);
  for (const capability of features.capabilities)
    for (const term of stems(CAPABILITY_TERMS[capability])) add(term, QUERY_WEIGHTS.capability);
  return query;
}

function toDiscovered(
  entry: IndexedEntry,
  capability: Capability | null,
  score: number,
  reason: string,
): DiscoveredServer {
  return {
    name: entry.name,
    shortName: entry.shortName,
    title: entry.title ?? entry.shortName,
    capability,
    score: Number(score.toFixed(3)),
    reason,
    isBuiltin: entry.isBuiltin,
    tools: entry.tools,
  };
}

/** Scratch per index size: one score slot per entry, reused between calls of one process. */
let scratch = new Float64Array(0);

type Retrieved = { doc: number; entry: IndexedEntry; raw: number };

/** BM25 over the catalog: entries scoring at least `minScore`, best first. */
function retrieve(
  index: DiscoveryIndex,
  query: ReadonlyMap<string, QueryTerm>,
  minScore: number,
): Retrieved[] {
  const weights = new Map<string, number>();
  for (const [term, { weight }] of query) weights.set(term, weight);
  if (scratch.length < index.entries.length) scratch = new Float64Array(index.entries.length);
  const scores = scratch;
  scores.fill(0, 0, index.entries.length);
  const touched: number[] = [];
  scoreTerms(index.text, weights, scores, (doc) => touched.push(doc));
  const ranked: Retrieved[] = [];
  for (const doc of touched) {
    const raw = scores[doc] as number;
    const entry = index.entries[doc] as IndexedEntry;
    if (raw >= minScore && raw > 0)
      ranked.push({ doc, entry, raw: raw + (entry.isBuiltin ? BUILTIN_BONUS : 0) });
  }
  return ranked.sort((a, b) => b.raw - a.raw || a.doc - b.doc);
}

/**
 * What retrieval found, as features for the learned server model: which short names BM25 ranks
 * first, among the chosen and among the runners-up.
 */
export function retrievalCues(ranked: readonly Retrieved[]): string[] {
  const cues: string[] = [];
  const seen = new Set<string>();
  for (const { entry } of ranked) {
    if (seen.has(entry.shortName)) continue;
    seen.add(entry.shortName);
    if (seen.size === 1) cues.push(`r1:${entry.shortName}`);
    cues.push(seen.size <= MAX_SERVERS ? `r:${entry.shortName}` : `ra:${entry.shortName}`);
    if (seen.size >= MAX_SERVERS + 2) break;
  }
  return cues;
}

/** The cues the learned server model reads for a task over this catalog. */
export function serverCuesOf(
  index: DiscoveryIndex,
  features: Pick<TaskFeatures, "text" | "entities" | "capabilities" | "cues">,
): string[] {
  return [
    ...features.cues,
    ...retrievalCues(retrieve(index, queryOf(features), index.thresholds.minScore)),
  ];
}

/**
 * Finds the servers a task needs, best first (at most three), then in the order the task uses
 * them. Catalog entries the learned model knows (by short name) are scored by it when it judges
 * that the task needs a server at all; every other entry by retrieval alone. Empty when neither
 * finds anything ("write a haiku").
 * @example discoverServers(index, analyzeTask("Save https://example.com into page.md")).servers.map((s) => s.shortName) // → ["fetch", "filesystem"]
 */
export function discoverServers(
  index: DiscoveryIndex,
  features: Pick<TaskFeatures, "text" | "entities" | "capabilities" | "cues">,
  options: DiscoverOptions = {},
): DiscoveryResult {
  const limits = options.thresholds
    ? { ...index.thresholds, ...options.thresholds }
    : index.thresholds;
  const query = queryOf(features);
  const ranked = retrieve(index, query, limits.minScore);
  const bias = options.serverBias;
  const model = index.model;
  // short name → probability-like score and the entry that carries it
  const byName = new Map<string, { doc: number; score: number; learned: boolean }>();
  const learnedLabels = new Set(model?.labels ?? []);
  if (model) {
    const p = predictLinear(model, [...features.cues, ...retrievalCues(ranked)]);
    // The task needs a server when the model says so and is fairly sure of at least one.
    let top = 0;
    model.labels.forEach((label, i) => {
      if (label !== ANY_SERVER && index.firstByShortName.has(label))
        top = Math.max(top, p[i] as number);
    });
    const needsAny =
      (p[model.labels.indexOf(ANY_SERVER)] ?? 0) >= limits.needsServer && top >= limits.sureOfOne;
    model.labels.forEach((label, i) => {
      const doc = index.firstByShortName.get(label);
      if (!needsAny || doc === undefined || label === ANY_SERVER) return;
      const score = p[i] as number;
      if (score >= limits.minProbability) byName.set(label, { doc, score, learned: true });
    });
  }
  for (const r of ranked) {
    const short = r.entry.shortName;
    const known = byName.get(short);
    // A short name the model knows is its to judge; otherwise the best entry of a name stands.
    if (known || learnedLabels.has(short)) continue;
    byName.set(short, { doc: r.doc, score: r.raw / (r.raw + SCORE_HALF), learned: false });
  }
  const scored = [...byName.entries()].map(([short, c]) => ({
    ...c,
    score: c.score + (bias?.[short] ?? 0) * BIAS_UNIT,
  }));
  scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
  const chosen = scored.slice(0, MAX_SERVERS);

  const described = (doc: number, score: number) => {
    const entry = index.entries[doc] as IndexedEntry;
    const matched = matchedTerms(index, doc, query);
    const capability = capabilityOf(index, matched, features.capabilities);
    const words = matched.slice(0, 4).map((m) => `"${m.term}"`);
    const because = [
      learnedLabels.has(entry.shortName) ? "tasks like this used it" : "",
      words.length ? `its description and tools match ${words.join(", ")}` : "",
    ].filter(Boolean);
    return toDiscovered(
      entry,
      capability,
      Math.min(1, score),
      `${capability ? `${capability}: ` : ""}${because.join("; ")}`,
    );
  };
  // In the order the task uses them: capabilities by first mention, then the rest by score.
  const candidates = chosen.map((c) => described(c.doc, c.score));
  const order = (s: DiscoveredServer) =>
    s.capability ? features.capabilities.indexOf(s.capability) : features.capabilities.length;
  const ranks = new Map(candidates.map((s, i) => [s, i]));
  candidates.sort(
    (a, b) => order(a) - order(b) || (ranks.get(a) as number) - (ranks.get(b) as number),
  );
  const servers = candidates.filter((s) => s.score >= limits.planned);

  // Per planned server, the next entries retrieval ranks for the same capability (look-alikes, rivals).
  const alternatives: DiscoveredServer[] = [];
  const taken = new Set(chosen.map((c) => c.doc));
  for (const server of servers) {
    let added = 0;
    for (const r of ranked) {
      if (added >= (options.alternatives ?? 0)) break;
      if (taken.has(r.doc)) continue;
      const alternative = described(r.doc, r.raw / (r.raw + SCORE_HALF));
      if (alternative.capability !== server.capability) continue;
      taken.add(r.doc);
      alternatives.push(alternative);
      added++;
    }
  }
  const missing = features.capabilities.filter(
    (capability) =>
      !servers.some((s) => s.capability === capability || serves(index, s, capability)),
  );
  return { servers, candidates, alternatives, missing };
}

/** The query terms an entry matched, strongest first. */
function matchedTerms(
  index: DiscoveryIndex,
  doc: number,
  query: ReadonlyMap<string, QueryTerm>,
): { term: string; contribution: number }[] {
  const matched: { term: string; contribution: number }[] = [];
  for (const [term, { weight }] of query) {
    const contribution = contributionOf(index.text, term, weight, doc);
    if (contribution > 0) matched.push({ term, contribution });
  }
  return matched.sort((a, b) => b.contribution - a.contribution);
}

/** The needed capability whose words carry most of an entry's match, if any. */
function capabilityOf(
  index: DiscoveryIndex,
  matched: readonly { term: string; contribution: number }[],
  needed: readonly Capability[],
): Capability | null {
  let best: Capability | null = null;
  let bestShare = 0;
  for (const capability of needed) {
    const terms = index.capabilityTerms.get(capability);
    let share = 0;
    for (const m of matched) if (terms?.has(m.term)) share += m.contribution;
    if (share > bestShare) [best, bestShare] = [capability, share];
  }
  return best;
}

function serves(index: DiscoveryIndex, server: DiscoveredServer, capability: Capability): boolean {
  const terms = index.capabilityTerms.get(capability);
  const entry = index.entries.find((e) => e.name === server.name);
  if (!terms || !entry) return false;
  const words = new Set(
    stems(`${entry.shortName} ${entry.title ?? ""} ${entry.tools.join(" ")} ${entry.description}`),
  );
  return [...terms].some((t) => words.has(t));
}
