import { SERVER_JSON_SCHEMA_URL, type ServerJson } from "@/engine/schema/catalog";

/**
 * A seeded generator of MCP Registry contents for tests and the benchmark: servers in today's
 * `server.json` shape (npm, pypi, oci and remote entries), several versions each, some deprecated
 * or deleted, with the registry's own metadata (`io.modelcontextprotocol.registry/official`). The
 * same seed gives the same registry, so tests can name entries they expect.
 *
 * @example
 * const records = generateRegistryRecords({ servers: 5_000, seed: 7 });
 * records.filter((r) => r.meta.isLatest).length // → 5_000
 */

export type RegistryStatus = "active" | "deprecated" | "deleted";

export type RegistryMeta = {
  status: RegistryStatus;
  statusMessage?: string;
  publishedAt: string;
  updatedAt: string;
  isLatest: boolean;
};

/** One version of one server, as the registry keeps it. */
export type RegistryRecord = { server: ServerJson; meta: RegistryMeta };

export const REGISTRY_KINDS = ["npm", "pypi", "oci", "remote"] as const;
export type RegistryKind = (typeof REGISTRY_KINDS)[number];

/** mulberry32: small, fast and good enough to vary test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  ["weather", "forecasts and current conditions"],
  ["github", "issues, pull requests and repositories"],
  ["postgres", "queries and schema inspection"],
  ["slack", "channels, messages and threads"],
  ["calendar", "events and free slots"],
  ["jira", "tickets and sprints"],
  ["notion", "pages and databases"],
  ["search", "web results and snippets"],
  ["files", "reading and writing local files"],
  ["browser", "page automation and screenshots"],
  ["stripe", "payments, refunds and invoices"],
  ["email", "sending and reading mail"],
  ["maps", "places, routes and distances"],
  ["translate", "text between languages"],
  ["kubernetes", "pods, deployments and logs"],
  ["sentry", "errors and releases"],
  ["spreadsheet", "rows, sheets and formulas"],
  ["crm", "contacts, deals and notes"],
  ["docs", "documentation lookup"],
  ["vector", "embeddings and similarity search"],
] as const;
const FLAVOURS = ["lite", "pro", "bridge", "kit", "hub", "connector", "tools", "agent", "sync"];
const OWNERS = ["acme", "octo", "northwind", "globex", "initech", "umbrella", "hooli", "stark"];

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!;

/** The kind of the i-th server: about 40 % npm, 25 % pypi, 15 % oci and 20 % remote. */
function kindOf(random: () => number): RegistryKind {
  const r = random();
  return r < 0.4 ? "npm" : r < 0.65 ? "pypi" : r < 0.8 ? "oci" : "remote";
}

function serverOf(
  index: number,
  kind: RegistryKind,
  version: string,
  random: () => number,
): ServerJson {
  const [topic, about] = pick(random, TOPICS);
  const flavour = pick(random, FLAVOURS);
  const owner = `${pick(random, OWNERS)}${index % 97}`;
  const slug = `${topic}-${flavour}-${index}`;
  // Most names sit in an io.github namespace; a few point at another owner's repository (unverified).
  const isGithub = index % 5 !== 0;
  const name = isGithub ? `io.github.${owner}/${slug}` : `com.${owner}/${slug}`;
  const repoOwner = isGithub && index % 11 === 0 ? `${owner}-fork` : owner;
  const secret = { name: `${topic.toUpperCase()}_API_KEY`, isRequired: true, isSecret: true };
  const base: ServerJson = {
    $schema: SERVER_JSON_SCHEMA_URL,
    name,
    title: `${topic[0]!.toUpperCase()}${topic.slice(1)} ${flavour} ${index}`,
    description: `MCP server for ${topic}: ${about} (${kind})`,
    version,
    repository: { url: `https://github.com/${repoOwner}/${slug}`, source: "github" },
  };
  switch (kind) {
    case "npm":
      return {
        ...base,
        packages: [
          {
            registryType: "npm",
            identifier: `@${owner}/${slug}`,
            version,
            transport: { type: "stdio" },
            environmentVariables: [secret],
          },
        ],
      };
    case "pypi":
      return {
        ...base,
        packages: [
          {
            registryType: "pypi",
            identifier: `${slug}-mcp`,
            version,
            runtimeHint: "uvx",
            transport: { type: "stdio" },
            environmentVariables: [secret],
          },
        ],
      };
    case "oci":
      return {
        ...base,
        packages: [
          {
            registryType: "oci",
            identifier: `ghcr.io/${owner}/${slug}`,
            version,
            transport: { type: "stdio" },
          },
        ],
      };
    case "remote":
      return {
        ...base,
        remotes: [
          {
            type: random() < 0.8 ? "streamable-http" : "sse",
            url: `https://${slug}.${owner}.example.com/mcp`,
            headers: [{ name: "Authorization", isRequired: true, isSecret: true }],
          },
        ],
      };
  }
}

/**
 * `servers` servers with 1 to 4 versions each, oldest first; the newest version of about 4 % is
 * deprecated and of about 2 % deleted. Times start at `start` and move on a second per version.
 */
export function generateRegistryRecords(options: {
  servers: number;
  seed?: number;
  start?: Date;
}): RegistryRecord[] {
  const random = seededRandom(options.seed ?? 1);
  const start = (options.start ?? new Date("2026-01-01T00:00:00Z")).getTime();
  const records: RegistryRecord[] = [];
  let tick = 0;
  for (let index = 0; index < options.servers; index++) {
    const kind = kindOf(random);
    const versions = 1 + Math.floor(random() * 4);
    const fate = random();
    const status: RegistryStatus = fate < 0.02 ? "deleted" : fate < 0.06 ? "deprecated" : "active";
    // One draw of the text per server, so every version keeps its name.
    const textSeed = Math.floor(random() * 2 ** 31);
    for (let v = 0; v < versions; v++) {
      const version = `1.${v}.0`;
      const at = new Date(start + tick++ * 1000).toISOString();
      const isLatest = v === versions - 1;
      records.push({
        server: serverOf(index, kind, version, seededRandom(textSeed)),
        meta: {
          status: isLatest ? status : "active",
          ...(isLatest && status === "deprecated"
            ? { statusMessage: "No longer maintained; use a newer server" }
            : {}),
          publishedAt: at,
          updatedAt: at,
          isLatest,
        },
      });
    }
  }
  return records;
}

/** The kind of a generated (or any) server: its first package's registry type, or remote. */
export function kindOfServer(server: ServerJson): RegistryKind | "other" {
  const type = server.packages?.[0]?.registryType;
  if (type === "npm" || type === "pypi" || type === "oci") return type;
  return server.remotes?.length ? "remote" : "other";
}
