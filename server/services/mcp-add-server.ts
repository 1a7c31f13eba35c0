import { z } from "zod";
import { AppError, conflict, notFound } from "@/engine/errors";
import { SERVER_JSON_SCHEMA_URL, ServerJsonSchema } from "@/engine/schema/catalog";
import { getEnv } from "@/server/env";
import {
  ADDED_NAMESPACE,
  addedServerJson,
  commandRefusal,
  isRunnerCommand,
  type AddedServer,
} from "@/server/mcp/custom-server";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as installations from "@/server/repositories/mcp-installations";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { toCatalogInsert } from "./mcp-catalog";
import { insertInstallationOf, installationName } from "./mcp-installations";

/**
 * Adding a server by hand (the Add server form): an npm package run through npx, a command, or a
 * URL with headers, checked here field by field, stored as a `server.json` entry of this tenant
 * and installed in one transaction. And the way back out: an installed server as `server.json`.
 */

const text = (max: number) => z.string().trim().max(max, `At most ${max} characters`);
const envName = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "Letters, digits and _ only, not starting with a digit")
  .max(200);
const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "A header name: letters, digits and - only")
  .max(200);
const named = (name: typeof envName) =>
  z.object({ name, value: z.string().max(4000), isSecret: z.boolean().default(false) });
const unique = <T extends { name: string }>(list: T[]) =>
  new Set(list.map((item) => item.name.toLowerCase())).size === list.length;
const args = z.array(z.string().max(4000)).max(50).default([]);
const env = z.array(named(envName)).max(50).default([]).refine(unique, "Each variable once");

/** An npm package name, scoped or not (npm's own rules, lower case). */
const npmPackage = z
  .string()
  .trim()
  .min(1, "Give the package's name")
  .max(214)
  .regex(
    /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/,
    "An npm package name, e.g. @modelcontextprotocol/server-everything",
  );

export const addServerInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("npm"),
    name: installationName,
    package: npmPackage,
    version: text(100)
      .regex(/^[A-Za-z0-9._^~<>=*+|-]*$/, "A version or range, e.g. 1.2.3 or latest")
      .optional(),
    args,
    env,
  }),
  z.object({
    kind: z.literal("command"),
    name: installationName,
    command: text(500).min(1, "Give the command"),
    args,
    env,
  }),
  z.object({
    kind: z.literal("url"),
    name: installationName,
    transport: z.enum(["streamable-http", "sse"]).default("streamable-http"),
    url: z.url({ protocol: /^https?$/, error: "An http(s) URL, e.g. https://example.com/mcp" }),
    headers: z.array(named(headerName)).max(50).default([]).refine(unique, "Each header once"),
  }),
]);
export type AddServerInput = z.infer<typeof addServerInput>;

/**
 * Adds the server: its entry (`local.added/<name>`, this tenant's only) and its installation,
 * with secret values encrypted, in one transaction. A command other than npx, uvx and docker is
 * refused unless the platform admin allowed it, saying how (field `command`).
 */
export async function addServer(ctx: TenantContext, input: AddServerInput) {
  if (input.kind === "command" && !isRunnerCommand(input.command)) {
    const refusal = commandRefusal(input.command, getEnv().mcp.allowedCommands);
    if (refusal) throw new AppError("FORBIDDEN", refusal, { field: "command" });
  }
  let built: ReturnType<typeof addedServerJson>;
  try {
    built = addedServerJson(input as AddedServer);
  } catch (error) {
    throw new AppError("INVALID_INPUT", error instanceof Error ? error.message : String(error), {
      field: "args",
    });
  }
  if (await installations.findInstallationByName(ctx.db, ctx.tenant.id, input.name))
    throw conflict(`A server named "${input.name}" is already installed in this tenant.`, {
      field: "name",
    });
  // An entry left by a server added under this name before (and since renamed) stays its own.
  const used = await catalog.findCatalogEntriesByIds(
    ctx.db,
    (await installations.listAllInstallations(ctx.db, ctx.tenant.id)).map((i) => i.catalogEntryId),
  );
  if (used.some((e) => e.name === built.entry.name && e.ownerTenantId === ctx.tenant.id))
    throw conflict(
      `A server added by hand as "${input.name}" is still installed under another name; choose another name`,
      { field: "name" },
    );
  return withAudit(ctx, async (tx) => {
    const [entry] = await catalog.upsertTenantCatalogEntries(tx, ctx.tenant.id, [
      toCatalogInsert(built.entry, "form"),
    ]);
    const installed = await insertInstallationOf(tx, ctx, entry!, input.name, built.values);
    return {
      value: { ...installed.value, catalogEntryId: entry!.id },
      audit: {
        ...installed.audit,
        action: "server.add",
        metadata: { ...installed.audit.metadata, kind: input.kind },
      },
    };
  });
}

/**
 * An installed server's entry as a `server.json` file (the MCP Registry's shape, schema
 * 2025-12-11): what the catalog holds, never the installation's values. An entry added by hand
 * or imported gets a name in its own namespace when it is published; ours says where it came from.
 */
export async function exportServerJson(ctx: TenantContext, id: string) {
  const installation = await installations.findInstallation(ctx.db, ctx.tenant.id, id);
  if (!installation) throw notFound("installed server", id);
  const entry = await catalog.findVisibleCatalogEntry(
    ctx.db,
    ctx.tenant.id,
    installation.catalogEntryId,
  );
  if (!entry) throw notFound("catalog entry", installation.catalogEntryId);
  // A stored entry can predate today's schema or come from a registry that broke it: say so, as 409.
  const checked = ServerJsonSchema.safeParse(entry.serverJson);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "the entry";
    throw conflict(
      `${installation.name}: its catalog entry is not a valid server.json, so it cannot be exported (${where}: ${issue?.message ?? "invalid"}); import or add the server again to replace it`,
    );
  }
  const parsed = checked.data;
  return {
    fileName: "server.json",
    serverJson: { ...parsed, $schema: SERVER_JSON_SCHEMA_URL },
    isAddedByHand: parsed.name.startsWith(`${ADDED_NAMESPACE}/`),
  };
}
