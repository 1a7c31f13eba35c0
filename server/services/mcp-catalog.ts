import { z } from "zod";
import { notFound } from "@/engine/errors";
import {
  catalogMetaOf,
  CATALOG_CATEGORIES,
  primaryRunner,
  TRANSPORT_TYPES,
  transportOf,
  type ServerJson,
} from "@/engine/schema/catalog";
import { AppError } from "@/engine/errors";
import { BUILTIN_CATALOG } from "@/server/mcp/builtin-catalog";
import { getEnv } from "@/server/env";
import { commandOf, entryInputsOf } from "@/server/mcp/custom-server";
import { resolveLocalPackageBin } from "@/server/mcp/launch";
import {
  fetchRegistryServers,
  parseMcpServersConfig,
  parseServerJsonText,
  toMcpServersConfig,
  type ImportResult,
} from "@/server/mcp/config-io";
import type { Db } from "@/db/client";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as checks from "@/server/repositories/mcp-checks";
import * as installations from "@/server/repositories/mcp-installations";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";

export const catalogQuery = z.object({
  search: z.string().trim().max(120).optional(),
  category: z.enum(CATALOG_CATEGORIES).optional(),
  transport: z.enum(TRANSPORT_TYPES).optional(),
  status: z.enum(["installed", "not-installed", "up", "degraded", "down", "unknown"]).optional(),
  sort: z.enum(["popularity", "health", "name"]).default("popularity"),
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(100).default(24),
});

export const importInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("server-json"),
    text: z.string().min(2, "Paste or choose a server.json file").max(2_000_000),
  }),
  z.object({
    kind: z.literal("mcp-servers"),
    text: z.string().min(2, "Paste an mcpServers config").max(2_000_000),
  }),
  z.object({
    kind: z.literal("registry"),
    url: z.url({ protocol: /^https?$/, error: "Give the registry's http(s) URL" }),
    updatedSince: z.date().optional(),
    search: z.string().trim().max(120).optional(),
  }),
]);

const globalForCatalog = globalThis as unknown as { mcpCatalogSeeded?: WeakSet<object> };

/** A server.json as a catalog row (its words for search are added by the repository). */
export function toCatalogInsert(
  serverJson: ServerJson,
  source: string,
  toolNames: string[] = [],
): catalog.CatalogEntryInsert {
  return {
    name: serverJson.name,
    title: serverJson.title ?? serverJson.name.split("/").at(-1) ?? serverJson.name,
    description: serverJson.description,
    version: serverJson.version,
    category: catalogMetaOf(serverJson).category,
    transport: transportOf(serverJson) ?? (commandOf(serverJson) ? "stdio" : null),
    source,
    serverJson,
    toolNames,
  };
}

/** Adds built-in entries that are missing (new ones after an upgrade); once per database per process. */
export async function ensureBuiltinCatalog(db: Db): Promise<void> {
  const seeded = (globalForCatalog.mcpCatalogSeeded ??= new WeakSet());
  if (seeded.has(db)) return;
  await catalog.insertMissingSharedCatalogEntries(
    db,
    BUILTIN_CATALOG.map((b) => toCatalogInsert(b.serverJson, "builtin", b.tools)),
  );
  seeded.add(db);
}

export async function listCatalog(ctx: TenantContext, query: z.infer<typeof catalogQuery>) {
  await ensureBuiltinCatalog(ctx.db);
  return catalog.listCatalog(ctx.db, { ...query, tenantId: ctx.tenant.id });
}

/** An entry with what the detail page shows: inputs, this tenant's installations and last check. */
export async function getCatalogEntry(ctx: TenantContext, id: string) {
  await ensureBuiltinCatalog(ctx.db);
  const entry = await catalog.findVisibleCatalogEntry(ctx.db, ctx.tenant.id, id);
  if (!entry) throw notFound("catalog entry", id);
  const [installed, lastCheck] = await Promise.all([
    installations.listInstallations(ctx.db, {
      tenantId: ctx.tenant.id,
      catalogEntryId: id,
      limit: 50,
    }),
    checks.findLatestCheck(ctx.db, { tenantId: ctx.tenant.id, catalogEntryId: id }),
  ]);
  return {
    ...entry,
    runsAs: describeRunner(entry.serverJson),
    meta: catalogMetaOf(entry.serverJson),
    inputs: entryInputsOf(entry.serverJson),
    isVerified: catalog.isVerifiedNamespace(
      entry.name,
      entry.serverJson.repository?.url,
      entry.source,
    ),
    installations: installed.items,
    lastCheck: lastCheck ?? null,
  };
}

/** "How it runs", in words, for the detail page. */
function describeRunner(entry: ServerJson): string {
  const runner = primaryRunner(entry);
  const command = commandOf(entry);
  if (command)
    return `The command ${[command.command, ...command.args].join(" ")}, started as a child process over stdio (only where the platform admin allows ${command.command}).`;
  if (!runner) return "This entry has neither a package nor a remote, so it cannot run.";
  if ("remote" in runner)
    return `A remote server at ${runner.remote.url}, reached over ${runner.remote.type}.`;
  const pkg = runner.package;
  const id = `${pkg.identifier}${pkg.version ? `@${pkg.version}` : ""}`;
  if (pkg.registryType === "npm") {
    return resolveLocalPackageBin(pkg.identifier)
      ? `The npm package ${id}, installed with this app, started as a child process over ${pkg.transport.type}.`
      : `The npm package ${id}, fetched and started with npx over ${pkg.transport.type} (needs the npm registry).`;
  }
  return `The ${pkg.registryType} package ${id} over ${pkg.transport.type}${pkg.registryType === "pypi" ? " (started with uvx)" : pkg.registryType === "oci" ? " (started with docker run)" : ""}.`;
}

function toImportError(error: unknown): AppError {
  return new AppError("INVALID_INPUT", error instanceof Error ? error.message : String(error), {
    field: "url",
  });
}

/**
 * Imports entries into this tenant's part of the catalog (replacing its own same-named ones) and
 * says what was skipped and why. Imports never touch shared entries or other tenants' imports.
 */
export async function importCatalogEntries(ctx: TenantContext, input: z.infer<typeof importInput>) {
  let parsed: ImportResult;
  if (input.kind === "server-json") parsed = parseServerJsonText(input.text);
  else if (input.kind === "mcp-servers")
    parsed = parseMcpServersConfig(input.text, {
      allowedCommands: getEnv().mcp.allowedCommands,
    });
  else {
    try {
      parsed = await fetchRegistryServers(input.url, {
        ...(input.updatedSince ? { updatedSince: input.updatedSince } : {}),
        ...(input.search ? { search: input.search } : {}),
      });
    } catch (error) {
      throw toImportError(error);
    }
  }
  const source =
    input.kind === "registry" ? "registry" : input.kind === "server-json" ? "file" : "config";
  const builtinNames = new Set(BUILTIN_CATALOG.map((b) => b.serverJson.name));
  const kept = parsed.entries.filter((entry) => !builtinNames.has(entry.name));
  const skipped = [
    ...parsed.skipped,
    ...parsed.entries
      .filter((entry) => builtinNames.has(entry.name))
      .map((entry) => ({ name: entry.name, reason: "a built-in entry has this name" })),
  ];
  if (kept.length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      `Nothing to import${skipped[0] ? `: ${skipped[0].name}: ${skipped[0].reason}` : ""}`,
      { field: "text", skipped },
    );
  }
  return withAudit(ctx, async (tx) => {
    const rows = await catalog.upsertTenantCatalogEntries(
      tx,
      ctx.tenant.id,
      kept.map((entry) => toCatalogInsert(entry, source)),
    );
    return {
      value: { imported: rows.map((r) => ({ id: r.id, name: r.name, title: r.title })), skipped },
      audit: {
        action: "catalog.import",
        targetType: "catalog",
        metadata: { source, count: rows.length, names: rows.slice(0, 20).map((r) => r.name) },
      },
    };
  });
}

/** The tenant's installed servers as an `mcpServers` config; secrets as `${NAME}` placeholders. */
export async function exportInstalledConfig(ctx: TenantContext) {
  const rows = await installations.listAllInstallations(ctx.db, ctx.tenant.id);
  const entries = new Map(
    (
      await catalog.findCatalogEntriesByIds(ctx.db, [...new Set(rows.map((r) => r.catalogEntryId))])
    ).map((e) => [e.id, e]),
  );
  const servers = rows.flatMap((row) => {
    const entry = entries.get(row.catalogEntryId);
    return entry && row.enabled
      ? [
          {
            name: row.name,
            entry: entry.serverJson,
            config: row.config,
            secretKeys: row.secretKeys,
          },
        ]
      : [];
  });
  const { mcpServers, skipped } = toMcpServersConfig(servers);
  return { config: { mcpServers }, skipped };
}
