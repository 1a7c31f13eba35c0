import type { CatalogEntryInput } from "../server-discovery";

/**
 * The built-in catalog (server/mcp/builtin-catalog.ts) as discovery input, for engine tests, which
 * may not import server code; scripts/autonomy.test.ts checks it still matches the real one.
 */
export const BUILTIN_ENTRIES: CatalogEntryInput[] = [
  {
    name: "io.github.zcaceres/fetch",
    title: "Fetch",
    description: "Fetch web pages as HTML, Markdown, plain text or JSON. Needs internet access.",
    tools: ["fetch_html", "fetch_markdown", "fetch_txt", "fetch_json"],
    category: "web",
  },
  {
    name: "io.github.modelcontextprotocol/server-filesystem",
    title: "Filesystem",
    description:
      "Read, write, search and list files inside the directories you allow, and nowhere else.",
    tools: [
      "read_text_file",
      "read_media_file",
      "read_multiple_files",
      "write_file",
      "edit_file",
      "create_directory",
      "list_directory",
      "list_directory_with_sizes",
      "directory_tree",
      "move_file",
      "search_files",
      "get_file_info",
      "list_allowed_directories",
    ],
    category: "files",
  },
  {
    name: "io.github.modelcontextprotocol/server-github",
    title: "GitHub",
    description:
      "Repositories, files, issues, pull requests and code search on GitHub. Needs internet access.",
    tools: [
      "search_repositories",
      "get_file_contents",
      "create_issue",
      "list_issues",
      "create_pull_request",
      "search_code",
      "list_commits",
    ],
    category: "developer",
  },
  {
    name: "io.github.jparkerweb/sqlite",
    title: "SQLite",
    description: "Query and change a SQLite database file, and keep notes on what it holds.",
    tools: [
      "read_query",
      "write_query",
      "create_table",
      "list_tables",
      "describe_table",
      "append_insight",
    ],
    category: "database",
  },
  {
    name: "io.github.modelcontextprotocol/server-puppeteer",
    title: "Puppeteer",
    description:
      "Drive a headless Chromium: open pages, click, fill forms, take screenshots, run scripts.",
    tools: [
      "puppeteer_navigate",
      "puppeteer_screenshot",
      "puppeteer_click",
      "puppeteer_fill",
      "puppeteer_select",
      "puppeteer_hover",
      "puppeteer_evaluate",
    ],
    category: "browser",
  },
  {
    name: "io.github.modelcontextprotocol/server-postgres",
    title: "PostgreSQL",
    description:
      "Read-only SQL queries against a PostgreSQL database, and its table schemas as resources.",
    tools: ["query"],
    category: "database",
  },
  {
    name: "io.github.modelcontextprotocol/server-brave-search",
    title: "Brave Search",
    description:
      "Web and local search through the Brave Search API. Needs internet access and an API key.",
    tools: ["brave_web_search", "brave_local_search"],
    category: "search",
  },
  {
    name: "io.github.modelcontextprotocol/server-gdrive",
    title: "Google Drive",
    description:
      "Search Google Drive and read its files. Needs internet access and Google credentials.",
    tools: ["search"],
    category: "productivity",
  },
  {
    name: "io.github.modelcontextprotocol/server-memory",
    title: "Memory",
    description:
      "A knowledge graph the agent keeps between runs: entities, relations and observations.",
    tools: [
      "create_entities",
      "create_relations",
      "add_observations",
      "delete_entities",
      "delete_observations",
      "delete_relations",
      "read_graph",
      "search_nodes",
      "open_nodes",
    ],
    category: "knowledge",
  },
  {
    name: "io.github.modelcontextprotocol/server-everything",
    title: "Everything",
    description:
      "The MCP test server: tools, resources, prompts, progress and errors, to try a client.",
    tools: [
      "echo",
      "get-sum",
      "get-tiny-image",
      "get-structured-content",
      "trigger-long-running-operation",
      "get-annotated-message",
    ],
    category: "testing",
  },
  {
    name: "io.github.modelcontextprotocol/server-sequential-thinking",
    title: "Sequential Thinking",
    description:
      "A scratchpad for step-by-step reasoning: thoughts that can be revised and branched.",
    tools: ["sequentialthinking"],
    category: "reasoning",
  },
].map((entry) => ({ ...entry, isBuiltin: true }));

const SYLLABLES = [
  "zo",
  "ka",
  "mir",
  "tel",
  "quo",
  "vex",
  "lun",
  "dra",
  "pim",
  "sor",
  "nax",
  "bel",
  "yu",
  "rho",
  "gan",
];
const NOUNS = [
  "tickets",
  "invoices",
  "calendars",
  "weather",
  "maps",
  "payments",
  "chat",
  "email",
  "metrics",
  "logs",
  "translations",
  "images",
  "audio",
  "crm",
  "kanban",
  "notes",
  "feeds",
  "stocks",
];
const CATEGORIES = [
  "web",
  "files",
  "developer",
  "database",
  "browser",
  "search",
  "productivity",
  "knowledge",
  "reasoning",
  "testing",
  "other",
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pads a catalog to `total` entries: for each built-in two imported look-alikes (same description,
 * tools and category under another namespace, so they fit exactly as well), then unrelated
 * servers with made-up names. Seeded, so benchmarks and tests see the same catalog.
 * @example padCatalog(BUILTIN_ENTRIES, 220).length // → 220
 */
export function padCatalog(
  builtins: readonly CatalogEntryInput[],
  total: number,
  seed = 7,
): CatalogEntryInput[] {
  const rng = mulberry32(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rng() * list.length)] as T;
  const entries: CatalogEntryInput[] = [...builtins];
  for (const builtin of builtins) {
    const short = builtin.name.slice(builtin.name.lastIndexOf("/") + 1);
    entries.push({ ...builtin, name: `io.github.someone/${short}`, isBuiltin: false });
    entries.push({
      ...builtin,
      name: `local.imported/mcp-${short}-server`,
      title: `${builtin.title ?? short} (community)`,
      isBuiltin: false,
    });
  }
  for (let i = 0; entries.length < total; i++) {
    const word = `${pick(SYLLABLES)}${pick(SYLLABLES)}${pick(SYLLABLES)}`;
    const a = pick(NOUNS);
    const b = pick(NOUNS);
    entries.push({
      name: `io.example/${word}-${i}`,
      title: `${word[0]?.toUpperCase()}${word.slice(1)} ${i}`,
      description: `Manage ${a} and ${b} from your agents.`,
      tools: [`list_${a}`, `get_${a}`, `create_${b}`],
      category: pick(CATEGORIES),
    });
  }
  return entries;
}
