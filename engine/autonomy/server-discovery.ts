import { catalogMetaOf, type ServerJson } from "../schema/catalog";
import { CAPABILITIES, type Capability, type TaskFeatures } from "./vocabulary";

/**
 * Server discovery: which catalog entries serve the capabilities a task needs. The catalog is
 * indexed once (capability → entries ranked by fit); a query then reads the head of a few lists,
 * so it stays in microseconds over catalogs of hundreds of entries.
 */

/** A catalog entry as discovery needs it: server.json's name, title and description, plus tools and category. */
export type CatalogEntryInput = {
  name: string;
  title?: string;
  description: string;
  tools?: readonly string[];
  category?: string;
  /** Built-in entries win ties against look-alikes imported by a tenant. */
  isBuiltin?: boolean;
};

type Posting = { entry: number; fit: number; reason: string };
type IndexedEntry = CatalogEntryInput & {
  shortName: string;
  tools: readonly string[];
  isBuiltin: boolean;
};

export type DiscoveryIndex = {
  entries: readonly IndexedEntry[];
  /** Per capability (in CAPABILITIES order), matching entries best first. */
  postings: ReadonlyArray<readonly Posting[]>;
  /** Short names and their first word → entries, for products the task names ("slack", "jira"). */
  byName: ReadonlyMap<string, readonly number[]>;
};

export type DiscoveredServer = {
  name: string;
  shortName: string;
  title: string;
  /** The capability this entry serves for the task; null when the task names the product itself. */
  capability: Capability | null;
  /** 0–1: how clearly the task needs it times how well the entry fits. */
  score: number;
  reason: string;
  isBuiltin: boolean;
  tools: readonly string[];
};

export type DiscoveryResult = {
  /** The servers the task needs, best first (in the order the task uses them). */
  servers: DiscoveredServer[];
  /** Runner-up entries per capability, when asked for. */
  alternatives: DiscoveredServer[];
  /** Needed capabilities no catalog entry serves. */
  missing: Capability[];
};

export type DiscoverOptions = {
  /** Added to an entry's fit by short name, e.g. from the user's past edits (engine/learning preferences). */
  serverBias?: Readonly<Record<string, number>>;
  /** Runner-up entries to return per capability (default 0). */
  alternatives?: number;
};

// What an entry's words must contain to serve a capability; categories are the catalog's own.
const PROFILES: Record<Capability, { words: string[]; categories: string[] }> = {
  "web-fetch": {
    words: ["fetch", "http", "scrape", "scraper", "crawl", "crawler", "url", "webpage", "page"],
    categories: ["web"],
  },
  "web-search": {
    words: [
      "search",
      "brave",
      "bing",
      "tavily",
      "serp",
      "serpapi",
      "exa",
      "duckduckgo",
      "kagi",
      "perplexity",
    ],
    categories: ["search"],
  },
  files: {
    words: ["file", "filesystem", "fs", "directory", "folder", "disk"],
    categories: ["files"],
  },
  "code-hosting": {
    words: ["github", "gitlab", "bitbucket", "gitea", "git", "repository", "repo", "pull"],
    categories: ["developer"],
  },
  sqlite: { words: ["sqlite", "sqlite3"], categories: [] },
  "relational-db": {
    words: ["postgres", "postgresql", "mysql", "mariadb", "sql", "relational", "pg"],
    categories: ["database"],
  },
  "browser-automation": {
    words: [
      "puppeteer",
      "playwright",
      "browser",
      "chromium",
      "chrome",
      "headless",
      "selenium",
      "screenshot",
    ],
    categories: ["browser"],
  },
  documents: {
    words: ["drive", "gdrive", "docs", "sheet", "document", "dropbox", "onedrive", "sharepoint"],
    categories: ["productivity"],
  },
  memory: {
    words: ["memory", "knowledge", "graph", "remember", "memorie"],
    categories: ["knowledge"],
  },
  reasoning: {
    words: ["thinking", "reasoning", "sequential", "thought", "sequentialthinking"],
    categories: ["reasoning"],
  },
  "mcp-testing": { words: ["everything", "test", "testing", "echo"], categories: ["testing"] },
};
/** Below this an entry only mentions the capability in passing (one word of its description). */
const MIN_FIT = 3;
const BUILTIN_BONUS = 0.5;
const ALIASES: Record<string, string> = {
  gdrive: "google-drive",
  "google-drive": "google-drive",
  postgresql: "postgres",
  sequentialthinking: "sequential-thinking",
};
const GENERIC_NAME_WORDS = new Set([
  "server",
  "mcp",
  "api",
  "tool",
  "tools",
  "the",
  "official",
  "client",
  "service",
]);

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

function wordsOf(text: string): Set<string> {
  const words = new Set<string>();
  for (const raw of text.toLowerCase().split(/[^a-z0-9]+/)) {
    if (!raw) continue;
    words.add(raw);
    // "pages" → "page", "files" → "file": enough stemming for names and short descriptions.
    if (raw.length > 3 && raw.endsWith("s")) words.add(raw.slice(0, -1));
  }
  return words;
}

function fitOf(entry: IndexedEntry, capability: Capability): { fit: number; reason: string } {
  const profile = PROFILES[capability];
  const name = wordsOf(entry.shortName);
  const title = wordsOf(entry.title ?? "");
  const description = wordsOf(entry.description);
  const tools = wordsOf(entry.tools.join(" "));
  const hits = (field: Set<string>) => profile.words.filter((word) => field.has(word));
  const inName = hits(name);
  const inTitle = hits(title);
  const inCategory = entry.category !== undefined && profile.categories.includes(entry.category);
  const fit =
    (inName.length ? 4 : 0) +
    (inTitle.length ? 3 : 0) +
    (inCategory ? 3 : 0) +
    Math.min(2, hits(description).length) +
    Math.min(2, hits(tools).length);
  const because = [
    inName.length ? `name "${entry.shortName}"` : "",
    inTitle.length && !inName.length ? `title "${entry.title}"` : "",
    inCategory ? `category ${entry.category}` : "",
  ].filter(Boolean);
  return { fit, reason: `${capability}: ${because.join(", ") || "described as such"}` };
}

/**
 * Indexes a catalog for discovery: each entry gets a short name and, per capability, a fit score.
 * @example const index = buildDiscoveryIndex(BUILTIN_CATALOG.map((e) => toCatalogEntryInput(e.serverJson, e.tools, true)))
 */
export function buildDiscoveryIndex(entries: readonly CatalogEntryInput[]): DiscoveryIndex {
  const indexed: IndexedEntry[] = entries.map((entry) => ({
    ...entry,
    shortName: shortNameOf(entry.name),
    tools: entry.tools ?? [],
    isBuiltin: entry.isBuiltin ?? false,
  }));
  const postings = CAPABILITIES.map((capability) => {
    const list: Posting[] = [];
    indexed.forEach((entry, i) => {
      const { fit, reason } = fitOf(entry, capability);
      if (fit >= MIN_FIT)
        list.push({ entry: i, fit: fit + (entry.isBuiltin ? BUILTIN_BONUS : 0), reason });
    });
    return list.sort((a, b) => b.fit - a.fit || a.entry - b.entry);
  });
  const byName = new Map<string, number[]>();
  const addName = (key: string, i: number) => {
    if (key.length < 3 || GENERIC_NAME_WORDS.has(key)) return;
    const list = byName.get(key);
    if (!list) byName.set(key, [i]);
    else if (!list.includes(i)) list.push(i);
  };
  indexed.forEach((entry, i) => {
    addName(entry.shortName, i);
    addName(entry.shortName.split(/[-_.]/)[0] ?? "", i);
  });
  // Built-ins first, so a product name resolves to the built-in before a look-alike.
  for (const list of byName.values())
    list.sort((a, b) => Number(indexed[b]?.isBuiltin) - Number(indexed[a]?.isBuiltin) || a - b);
  return { entries: indexed, postings, byName };
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
    score,
    reason,
    isBuiltin: entry.isBuiltin,
    tools: entry.tools,
  };
}

const CAPABILITY_POSITION = new Map<Capability, number>(CAPABILITIES.map((c, i) => [c, i]));
/** How many of a list's head entries a bias may reorder; beyond that the fit gap is too large to matter. */
const BIAS_WINDOW = 4;

/**
 * Finds the servers a task needs, one per needed capability plus products it names, best first.
 * Empty when the task needs none ("write a haiku").
 * @example discoverServers(index, analyzeTask("Save https://example.com into page.md")).servers.map((s) => s.shortName) // → ["fetch", "filesystem"]
 */
export function discoverServers(
  index: DiscoveryIndex,
  features: Pick<TaskFeatures, "capabilities" | "capabilityScores" | "keywords">,
  options: DiscoverOptions = {},
): DiscoveryResult {
  const servers: DiscoveredServer[] = [];
  const alternatives: DiscoveredServer[] = [];
  const missing: Capability[] = [];
  const bias = options.serverBias;
  const wantAlternatives = options.alternatives ?? 0;
  for (const capability of features.capabilities) {
    const postings = index.postings[
      CAPABILITY_POSITION.get(capability) as number
    ] as readonly Posting[];
    if (postings.length === 0) {
      missing.push(capability);
      continue;
    }
    let best = postings[0] as Posting;
    let bestFit = best.fit + (bias?.[(index.entries[best.entry] as IndexedEntry).shortName] ?? 0);
    if (bias) {
      for (let k = 1; k < Math.min(BIAS_WINDOW, postings.length); k++) {
        const posting = postings[k] as Posting;
        const fit =
          posting.fit + (bias[(index.entries[posting.entry] as IndexedEntry).shortName] ?? 0);
        if (fit > bestFit) [best, bestFit] = [posting, fit];
      }
    }
    const strength = Math.min(1, (features.capabilityScores[capability] ?? 2) / 4);
    const score = strength * Math.min(1, bestFit / 10);
    const entry = index.entries[best.entry] as IndexedEntry;
    const already = servers.find((s) => s.name === entry.name);
    if (already) already.reason += `; also ${best.reason}`;
    else servers.push(toDiscovered(entry, capability, score, best.reason));
    for (let k = 0, added = 0; k < postings.length && added < wantAlternatives; k++) {
      const posting = postings[k] as Posting;
      if (posting === best) continue;
      added++;
      alternatives.push(
        toDiscovered(
          index.entries[posting.entry] as IndexedEntry,
          capability,
          strength * Math.min(1, posting.fit / 10),
          posting.reason,
        ),
      );
    }
  }
  for (const keyword of features.keywords) {
    const named = index.byName.get(keyword);
    if (!named) continue;
    const entry = index.entries[named[0] as number] as IndexedEntry;
    if (servers.some((s) => s.name === entry.name)) continue;
    servers.push(toDiscovered(entry, null, 0.8, `the task names "${keyword}"`));
  }
  return { servers, alternatives, missing };
}
