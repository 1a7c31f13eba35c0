import { z } from "zod";
import {
  CATALOG_META_KEY,
  McpServersEntrySchema,
  ServerJsonSchema,
  type McpServersConfig,
  type McpServersEntry,
  type ServerJson,
} from "@/engine/schema/catalog";
import {
  addedServerJson,
  commandRefusal,
  entryInputsOf,
  type AddedServer,
  type NamedValue,
} from "./custom-server";
import { buildLaunchSpec, type InstallValues } from "./launch-spec";

/**
 * Catalog entries in and out: `server.json` files (one entry, a list, or a registry answer),
 * `mcpServers` configs (Claude Desktop, `.mcp.json`), and the MCP Registry API. Imported entries
 * go into the shared catalog, so values that look secret are never kept: they become inputs.
 */

export type ImportResult = { entries: ServerJson[]; skipped: { name: string; reason: string }[] };

const looksSecret = (name: string) =>
  /key|token|secret|password|passwd|auth|credential|cookie/i.test(name);

function issuesOf(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join(".") || "entry"}: ${i.message}`)
    .join("; ");
}

/** Reads `server.json` text: one entry, an array, or a registry list (`{ servers: [{ server }] }`). */
export function parseServerJsonText(text: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      entries: [],
      skipped: [
        {
          name: "file",
          reason: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
  const list: unknown[] = Array.isArray(data)
    ? data
    : data && typeof data === "object" && "servers" in data && Array.isArray(data.servers)
      ? data.servers.map((item: unknown) =>
          item && typeof item === "object" && "server" in item ? item.server : item,
        )
      : [data];
  const result: ImportResult = { entries: [], skipped: [] };
  list.forEach((item, index) => {
    const parsed = ServerJsonSchema.safeParse(item);
    const name =
      item && typeof item === "object" && "name" in item && typeof item.name === "string"
        ? item.name
        : `entry ${index + 1}`;
    if (parsed.success) result.entries.push(parsed.data);
    else result.skipped.push({ name, reason: issuesOf(parsed.error) });
  });
  return result;
}

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80) || "server"
  );
}

const namedValuesOf = (record: Record<string, string> | undefined): NamedValue[] =>
  Object.entries(record ?? {}).map(([name, value]) => ({
    name,
    value,
    isSecret: looksSecret(name) || /^\$\{.+\}$/.test(value),
  }));

/**
 * One `mcpServers` entry as a catalog entry, through the same conversion as the Add server form
 * (custom-server.ts#addedServerJson): npx, uvx and `docker run` as packages, URLs as remotes,
 * other commands only when the platform allows them. Values that look secret are dropped.
 */
function fromConfigEntry(
  key: string,
  server: McpServersEntry,
  allowedCommands: string[],
): { entry: ServerJson } | { reason: string } {
  const name = slug(key);
  let added: AddedServer;
  if (!("command" in server) || typeof server.command !== "string") {
    const remote = server as { type?: string; url: string; headers?: Record<string, string> };
    added = {
      kind: "url",
      name,
      transport: remote.type === "sse" ? "sse" : "streamable-http",
      url: remote.url,
      headers: namedValuesOf(remote.headers),
    };
  } else {
    const command = server as { command: string; args?: string[]; env?: Record<string, string> };
    const refusal = commandRefusal(command.command, allowedCommands);
    if (refusal) return { reason: refusal };
    added = {
      kind: "command",
      name,
      command: command.command,
      args: command.args ?? [],
      env: namedValuesOf(command.env),
    };
  }
  try {
    const { entry } = addedServerJson(added, { secretDescription: "Imported; set your own value" });
    return {
      entry: {
        ...entry,
        name: `local.config/${name}`,
        title: key.slice(0, 100),
        description: `Imported from an mcpServers config (${key})`.slice(0, 300),
      },
    };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A config file: `mcpServers` (Claude Desktop, Claude Code's `.mcp.json`, Cursor) or VS Code's `servers`. */
const ConfigFileSchema = z.union([
  z.object({ mcpServers: z.record(z.string(), z.unknown()) }),
  z.object({ servers: z.record(z.string(), z.unknown()) }),
]);

/** A remote entry; one with a `url` and no `type` (as Cursor writes them) is Streamable HTTP. */
const RemoteEntrySchema = z.looseObject({
  type: z.enum(["http", "sse", "streamable-http"]).default("http"),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  headers: z.record(z.string(), z.string()).optional(),
});

function parseConfigEntry(item: unknown): { server: McpServersEntry } | { reason: string } {
  if (!item || typeof item !== "object" || Array.isArray(item)) return { reason: "not an object" };
  if (!("command" in item) && !("url" in item))
    return { reason: "has neither a command nor a url" };
  const parsed =
    "command" in item ? McpServersEntrySchema.safeParse(item) : RemoteEntrySchema.safeParse(item);
  return parsed.success ? { server: parsed.data } : { reason: issuesOf(parsed.error) };
}

/**
 * Reads a Claude Desktop, `.mcp.json`, Cursor or VS Code config; each entry stands or falls on
 * its own. Commands other than npx, uvx and docker import only when in `allowedCommands`.
 */
export function parseMcpServersConfig(
  text: string,
  options: { allowedCommands?: string[] } = {},
): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      entries: [],
      skipped: [
        {
          name: "config",
          reason: `not JSON: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
    };
  }
  const parsed = ConfigFileSchema.safeParse(data);
  if (!parsed.success)
    return {
      entries: [],
      skipped: [
        {
          name: "config",
          reason: 'expected an object with "mcpServers" (or VS Code\'s "servers")',
        },
      ],
    };
  const servers = "mcpServers" in parsed.data ? parsed.data.mcpServers : parsed.data.servers;
  const result: ImportResult = { entries: [], skipped: [] };
  if (Object.keys(servers).length === 0)
    result.skipped.push({ name: "config", reason: "it lists no servers" });
  for (const [key, item] of Object.entries(servers)) {
    const entry = parseConfigEntry(item);
    const converted =
      "server" in entry ? fromConfigEntry(key, entry.server, options.allowedCommands ?? []) : entry;
    if ("entry" in converted) result.entries.push(converted.entry);
    else result.skipped.push({ name: key, reason: converted.reason });
  }
  return result;
}

/**
 * One installed server as an `mcpServers` entry. Secret values are written as `${NAME}`
 * placeholders (`.mcp.json` expands them), never in clear.
 */
export function toMcpServersEntry(
  entry: ServerJson,
  config: InstallValues,
  secretKeys: string[],
): McpServersEntry {
  const values: InstallValues = { ...config };
  for (const input of entryInputsOf(entry)) {
    if (input.isSecret && secretKeys.includes(input.key))
      values[input.key] = `\${${input.label.replace(/[^A-Za-z0-9_]/g, "_").toUpperCase()}}`;
  }
  const spec = buildLaunchSpec(entry, values, entry.name, { portable: true });
  if (spec.transport === "stdio") {
    return {
      command: spec.command,
      args: spec.args,
      ...(Object.keys(spec.env).length > 0 ? { env: spec.env } : {}),
    };
  }
  return {
    type: spec.transport === "sse" ? "sse" : "http",
    url: spec.url,
    ...(Object.keys(spec.headers).length > 0 ? { headers: spec.headers } : {}),
  };
}

export function toMcpServersConfig(
  servers: { name: string; entry: ServerJson; config: InstallValues; secretKeys: string[] }[],
): McpServersConfig & {
  skipped: { name: string; reason: string }[];
} {
  const mcpServers: McpServersConfig["mcpServers"] = {};
  const skipped: { name: string; reason: string }[] = [];
  for (const server of servers) {
    try {
      mcpServers[server.name] = toMcpServersEntry(server.entry, server.config, server.secretKeys);
    } catch (error) {
      skipped.push({
        name: server.name,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { mcpServers, skipped };
}

/** The registry's own metadata on a listed server (`_meta["io.modelcontextprotocol.registry/official"]`). */
export const REGISTRY_OFFICIAL_META = "io.modelcontextprotocol.registry/official";

const OfficialMetaSchema = z.looseObject({
  status: z.enum(["active", "deprecated", "deleted"]).catch("active"),
  updatedAt: z.string().optional(),
  isLatest: z.boolean().optional(),
});

/** A server as a registry lists it: its `server.json`, status and update time. */
export type RegistryListing = {
  server: ServerJson;
  status: "active" | "deprecated" | "deleted";
  updatedAt: Date | null;
};

export type RegistryFetchResult = {
  entries: RegistryListing[];
  skipped: { name: string; reason: string }[];
  pages: number;
};

const PageSchema = z.looseObject({
  servers: z.array(z.unknown()),
  metadata: z.looseObject({ nextCursor: z.string().nullish() }).optional(),
});

/** One page item: `{ server, _meta }` (or a bare server.json, as older registries answered). */
function listingOf(
  item: unknown,
  index: number,
): RegistryListing | { name: string; reason: string } {
  const wrapped = item && typeof item === "object" && "server" in item;
  const server = wrapped ? (item as { server: unknown }).server : item;
  const parsed = ServerJsonSchema.safeParse(server);
  if (!parsed.success) {
    const name =
      server && typeof server === "object" && "name" in server && typeof server.name === "string"
        ? server.name
        : `entry ${index + 1}`;
    return { name, reason: issuesOf(parsed.error) };
  }
  const metaRoot = wrapped ? (item as { _meta?: Record<string, unknown> })._meta : undefined;
  const meta = OfficialMetaSchema.safeParse(metaRoot?.[REGISTRY_OFFICIAL_META] ?? {});
  const updatedAt = meta.success && meta.data.updatedAt ? new Date(meta.data.updatedAt) : null;
  return {
    server: parsed.data,
    status: meta.success ? meta.data.status : "active",
    updatedAt: updatedAt && !Number.isNaN(updatedAt.getTime()) ? updatedAt : null,
  };
}

/**
 * Reads the MCP Registry API (`GET /v0.1/servers`), following `nextCursor` through every page,
 * latest versions only. Throws with a clear message, naming the page, when the registry cannot be
 * reached, answers an error, something that is not a server list, or a cursor it gave before
 * (which would never end); callers keep what they had.
 */
export async function fetchRegistryListings(
  baseUrl: string,
  options: {
    updatedSince?: Date;
    search?: string;
    maxPages?: number;
    pageSize?: number;
    signal?: AbortSignal;
    fetchImpl?: typeof fetch;
  } = {},
): Promise<RegistryFetchResult> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const maxPages = options.maxPages ?? 2_000;
  const result: RegistryFetchResult = { entries: [], skipped: [], pages: 0 };
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  for (;;) {
    const url = new URL("v0.1/servers", baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    url.searchParams.set("limit", String(options.pageSize ?? 100));
    url.searchParams.set("version", "latest");
    if (cursor) url.searchParams.set("cursor", cursor);
    if (options.updatedSince)
      url.searchParams.set("updated_since", options.updatedSince.toISOString());
    if (options.search) url.searchParams.set("search", options.search);
    const where = `The registry at ${url.origin}${result.pages > 0 ? ` (page ${result.pages + 1})` : ""}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        headers: { accept: "application/json" },
        redirect: "error",
        signal: options.signal ?? AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
      throw new Error(`${where} could not be reached${cause}`, { cause: error });
    }
    if (!response.ok)
      throw new Error(`${where} answered ${response.status} ${response.statusText}`.trim());
    const body: unknown = await response.json().catch(() => null);
    const page = PageSchema.safeParse(body);
    if (!page.success) throw new Error(`${where} did not answer a server list`);
    result.pages++;
    page.data.servers.forEach((item, index) => {
      const listing = listingOf(item, index);
      if ("server" in listing) result.entries.push(listing);
      else result.skipped.push(listing);
    });
    cursor = page.data.metadata?.nextCursor ?? undefined;
    if (!cursor) break;
    if (seenCursors.has(cursor))
      throw new Error(`${where} gave a cursor it had given before; stopped to avoid a loop`);
    if (result.pages >= maxPages) throw new Error(`${where}: more than ${maxPages} pages; stopped`);
    seenCursors.add(cursor);
  }
  return result;
}

/** The registry's latest servers as an import (deleted ones left out). */
export async function fetchRegistryServers(
  baseUrl: string,
  options: Parameters<typeof fetchRegistryListings>[1] = {},
): Promise<ImportResult> {
  const listed = await fetchRegistryListings(baseUrl, options);
  return {
    entries: listed.entries.filter((e) => e.status !== "deleted").map((e) => e.server),
    skipped: listed.skipped,
  };
}

export { CATALOG_META_KEY };
