import { z } from "zod";
import { AppError, conflict, notFound } from "@/engine/errors";
import { ServerJsonSchema, type InstallInput } from "@/engine/schema/catalog";
import { assertJsonInput, INPUT_LIMITS } from "@/server/input-guards";
import { entryInputsOf } from "@/server/mcp/custom-server";
import { isMcpToolError, type McpToolError } from "@/server/mcp/errors";
import { launchSpecOf, poolKeyOf, secretValuesOf } from "@/server/mcp/installation-launch";
import type { InstallValues } from "@/server/mcp/launch-spec";
import { refusePath } from "@/server/mcp/path-guard";
import { getMcpPool } from "@/server/mcp/pool";
import { isUniqueViolation } from "@/server/repositories/errors";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as checks from "@/server/repositories/mcp-checks";
import * as repo from "@/server/repositories/mcp-installations";
import { encryptSecret } from "@/server/secrets";
import { withAudit } from "./audit";
import type { Db } from "@/db/client";
import type { TenantContext } from "./context";

export const installationName = z
  .string()
  .trim()
  .min(1, "Give the server a name")
  .max(60, "At most 60 characters")
  .regex(
    /^[a-z0-9][a-z0-9_-]*$/,
    "Lower-case letters, digits, - and _ only (workflows refer to the server by this name)",
  );

const inputValue = z.union([z.string().max(4000), z.array(z.string().max(4000)).max(20)]);
export const installValues = z.record(z.string().max(200), inputValue);

export const installInput = z.object({
  catalogEntryId: z.uuid(),
  name: installationName,
  values: installValues.default({}),
});
export const updateInput = z.object({
  id: z.uuid(),
  name: installationName.optional(),
  /** Secret inputs left empty keep their stored value. */
  values: installValues.optional(),
  clearSecrets: z.array(z.string().max(200)).max(50).optional(),
});

const nameTaken = (name: string) =>
  conflict(`A server named "${name}" is already installed in this tenant.`, { field: "name" });
const invalid = (message: string, key: string) =>
  new AppError("INVALID_INPUT", message, { field: `values.${key}` });

function present(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter(Boolean);
}

/**
 * Checks values against the entry's inputs and splits them into plain config and secrets.
 * `storedSecretKeys` are secrets already set (an update may leave them empty to keep them).
 */
function splitValues(
  inputs: InstallInput[],
  values: InstallValues,
  storedSecretKeys: string[] = [],
) {
  const known = new Map(inputs.map((i) => [i.key, i]));
  for (const key of Object.keys(values))
    if (!known.has(key)) throw invalid(`This server has no input "${key}"`, key);
  const config: Record<string, string | string[]> = {};
  const secrets: Record<string, string | string[]> = {};
  for (const input of inputs) {
    const given = present(values[input.key]);
    if (given.length === 0) {
      if (
        input.isRequired &&
        !(input.isSecret && storedSecretKeys.includes(input.key)) &&
        input.default === undefined
      ) {
        throw invalid(`${input.label} is required`, input.key);
      }
      continue;
    }
    if (input.choices && given.some((v) => !input.choices?.includes(v)))
      throw invalid(`${input.label} must be one of ${input.choices.join(", ")}`, input.key);
    if (input.format === "number" && given.some((v) => !Number.isFinite(Number(v))))
      throw invalid(`${input.label} must be a number`, input.key);
    if (input.format === "filepath") {
      if (input.kind === "argument" && given.some((v) => !/^(\/|[A-Za-z]:[\\/])/.test(v)))
        throw invalid(`${input.label} must be an absolute path`, input.key);
      for (const path of given) {
        const reason = refusePath(path);
        if (reason) throw invalid(`${input.label} cannot be ${path}: ${reason}`, input.key);
      }
    }
    const value = input.isRepeated ? given : given[0]!;
    (input.isSecret ? secrets : config)[input.key] = value;
  }
  return { config, secrets };
}

async function entryOf(ctx: TenantContext, catalogEntryId: string) {
  const entry = await catalog.findVisibleCatalogEntry(ctx.db, ctx.tenant.id, catalogEntryId);
  if (!entry) throw notFound("catalog entry", catalogEntryId);
  return entry;
}

export async function installServer(ctx: TenantContext, input: z.infer<typeof installInput>) {
  const entry = await entryOf(ctx, input.catalogEntryId);
  if (entry.registryStatus === "deleted")
    throw conflict(
      `${entry.title} was removed from its registry, so it cannot be installed; installations made before stay`,
    );
  return withAudit(ctx, (tx) => insertInstallationOf(tx, ctx, entry, input.name, input.values));
}

/**
 * Installs `entry` as `name` inside the caller's transaction (an install, or a server added by
 * hand with its new entry): values checked against the entry's inputs, secrets encrypted. Gives
 * the row without its secrets and the audit record.
 */
export async function insertInstallationOf(
  tx: Db,
  ctx: TenantContext,
  entry: Pick<catalog.CatalogEntryRow, "id" | "name" | "serverJson">,
  name: string,
  values: InstallValues,
) {
  const { config, secrets } = splitValues(entryInputsOf(entry.serverJson), values);
  const secretKeys = Object.keys(secrets);
  try {
    const row = await repo.insertInstallation(tx, {
      tenantId: ctx.tenant.id,
      catalogEntryId: entry.id,
      name,
      config,
      secretsEncrypted: secretKeys.length > 0 ? encryptSecret(JSON.stringify(secrets)) : null,
      secretKeys,
      createdBy: ctx.actor.userId,
    });
    const { secretsEncrypted: _hidden, ...visible } = row;
    return {
      value: visible,
      audit: {
        action: "server.install",
        targetType: "mcp_installation",
        targetId: row.id,
        metadata: { name: row.name, entry: entry.name, secretKeys },
      },
    };
  } catch (error) {
    if (isUniqueViolation(error, "mcp_installations_tenant_name_key")) throw nameTaken(name);
    throw error;
  }
}

async function installationOf(ctx: TenantContext, id: string) {
  const row = await repo.findInstallation(ctx.db, ctx.tenant.id, id);
  if (!row) throw notFound("installed server", id);
  return row;
}

export async function updateInstallation(ctx: TenantContext, input: z.infer<typeof updateInput>) {
  const current = await installationOf(ctx, input.id);
  const entry = await entryOf(ctx, current.catalogEntryId);
  const kept = current.secretKeys.filter((k) => !input.clearSecrets?.includes(k));
  const patch: Parameters<typeof repo.updateInstallation>[3] = {};
  if (input.name) patch.name = input.name;
  if (input.values) {
    const { config, secrets } = splitValues(entryInputsOf(entry.serverJson), input.values, kept);
    const stored = secretValuesOf(current);
    const merged: InstallValues = {};
    for (const key of kept) if (stored[key] !== undefined) merged[key] = stored[key];
    Object.assign(merged, secrets);
    patch.config = config;
    patch.secretKeys = Object.keys(merged);
    patch.secretsEncrypted =
      patch.secretKeys.length > 0 ? encryptSecret(JSON.stringify(merged)) : null;
  }
  try {
    const updated = await withAudit(ctx, async (tx) => {
      const row = await repo.updateInstallation(tx, ctx.tenant.id, input.id, patch);
      if (!row) throw notFound("installed server", input.id);
      const { secretsEncrypted: _hidden, ...visible } = row;
      return {
        value: visible,
        audit: {
          action: "server.update",
          targetType: "mcp_installation",
          targetId: row.id,
          metadata: { name: row.name, secretKeys: row.secretKeys },
        },
      };
    });
    await getMcpPool().evict(poolKeyOf(updated));
    return updated;
  } catch (error) {
    if (input.name && isUniqueViolation(error, "mcp_installations_tenant_name_key"))
      throw nameTaken(input.name);
    throw error;
  }
}

export async function setInstallationEnabled(
  ctx: TenantContext,
  input: { id: string; enabled: boolean },
) {
  const updated = await withAudit(ctx, async (tx) => {
    const row = await repo.updateInstallation(tx, ctx.tenant.id, input.id, {
      enabled: input.enabled,
    });
    if (!row) throw notFound("installed server", input.id);
    const { secretsEncrypted: _hidden, ...visible } = row;
    return {
      value: visible,
      audit: {
        action: input.enabled ? "server.enable" : "server.disable",
        targetType: "mcp_installation",
        targetId: row.id,
        metadata: { name: row.name },
      },
    };
  });
  if (!input.enabled) await getMcpPool().evict(poolKeyOf(updated));
  return updated;
}

export async function uninstallServer(ctx: TenantContext, id: string) {
  const removed = await withAudit(ctx, async (tx) => {
    const row = await repo.deleteInstallation(tx, ctx.tenant.id, id);
    if (!row) throw notFound("installed server", id);
    return {
      value: { id, name: row.name },
      audit: {
        action: "server.uninstall",
        targetType: "mcp_installation",
        targetId: id,
        metadata: { name: row.name },
      },
    };
  });
  await getMcpPool().evict(poolKeyOf({ id }));
  return removed;
}

export function listInstallations(
  ctx: TenantContext,
  query: { search?: string; cursor?: string | null; limit: number },
) {
  return repo.listInstallations(ctx.db, { ...query, tenantId: ctx.tenant.id });
}

/** An installation with its form (values, which secrets are set), its latest check and its live connection state. */
export async function getInstallation(ctx: TenantContext, id: string) {
  const summary = await repo.findInstallationSummary(ctx.db, ctx.tenant.id, id);
  if (!summary) throw notFound("installed server", id);
  const entry = await entryOf(ctx, summary.catalogEntryId);
  const lastCheck = await checks.findLatestCheck(ctx.db, {
    tenantId: ctx.tenant.id,
    installationId: id,
  });
  const diagnostics = getMcpPool().diagnostics(poolKeyOf(summary));
  return {
    ...summary,
    inputs: entryInputsOf(entry.serverJson),
    lastCheck: lastCheck ?? null,
    connection: diagnostics
      ? {
          state: diagnostics.state,
          connectMs: diagnostics.connectMs,
          failures: diagnostics.failures,
          lastError: diagnostics.lastError,
        }
      : null,
  };
}

async function runnableInstallation(ctx: TenantContext, id: string) {
  const installation = await installationOf(ctx, id);
  if (!installation.enabled)
    throw new AppError("CONFLICT", `${installation.name} is disabled; enable it first`);
  const entry = await entryOf(ctx, installation.catalogEntryId);
  if (!ServerJsonSchema.safeParse(entry.serverJson).success)
    throw new AppError("CONFLICT", `${installation.name}: its catalog entry is not valid`);
  return { installation, entry };
}

/** A tool's answer as the tool runner shows it: `isError` when the tool itself reported a failure. */
export type ToolRunAnswer = {
  ms: number;
  isError: boolean;
  content: unknown[];
  structuredContent: Record<string, unknown> | null;
};

/**
 * Why a tool could not be called, as a 4xx naming the reason: the tool or its arguments are wrong,
 * or the server cannot be started or reached (UNAVAILABLE, with what it wrote to stderr).
 */
function callRefusal(error: McpToolError): AppError {
  const details = { mcpCode: error.code, stderr: error.details.stderr?.slice(-2000) ?? null };
  switch (error.code) {
    case "TOOL_NOT_FOUND":
      return new AppError("NOT_FOUND", error.message, { ...details, field: "tool" });
    case "INVALID_ARGUMENTS":
      return new AppError("INVALID_INPUT", error.message, { ...details, field: "args" });
    default:
      return new AppError("UNAVAILABLE", error.message, details);
  }
}

/** The live tool list of an installation (starting the server when needed), each with its usability. */
export async function listInstallationTools(ctx: TenantContext, id: string) {
  const { installation, entry } = await runnableInstallation(ctx, id);
  try {
    return {
      tools: await getMcpPool().listTools(
        poolKeyOf(installation),
        installation.name,
        launchSpecOf(installation, entry, { db: ctx.db }),
      ),
    };
  } catch (error) {
    throw isMcpToolError(error) ? callRefusal(error) : error;
  }
}

/**
 * Runs one tool for the tool-runner panel. A tool's own error (`isError`, or an old server's
 * thrown error) is an answer like any other; a call that could not be made is refused with the
 * reason. The call happens outside any transaction (it may take minutes); its audit record is
 * written when it ends, whichever way.
 */
export async function runInstallationTool(
  ctx: TenantContext,
  input: { id: string; tool: string; args: Record<string, unknown> },
  signal?: AbortSignal,
) {
  assertJsonInput(input.args, {
    maxBytes: INPUT_LIMITS.toolArgsBytes,
    label: "args",
    what: "tool's arguments",
  });
  const { installation, entry } = await runnableInstallation(ctx, input.id);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let answer: ToolRunAnswer | null = null;
  let refused: McpToolError | null = null;
  try {
    const spec = launchSpecOf(installation, entry, { db: ctx.db });
    const result = await getMcpPool().callTool(
      poolKeyOf(installation),
      installation.name,
      spec,
      { tool: input.tool, args: input.args },
      signal ? { signal } : {},
    );
    answer = {
      ms: elapsed(),
      isError: false,
      content: result.content,
      structuredContent: result.structuredContent ?? null,
    };
  } catch (error) {
    if (!isMcpToolError(error)) throw error;
    if (error.code === "TOOL_ERROR") {
      const content = Array.isArray(error.details.content)
        ? error.details.content
        : [{ type: "text", text: error.message }];
      answer = { ms: elapsed(), isError: true, content, structuredContent: null };
    } else refused = error;
  }
  const code = refused?.code ?? (answer?.isError ? "TOOL_ERROR" : null);
  await withAudit(ctx, async () => ({
    value: null,
    audit: {
      action: "tool.run",
      targetType: "mcp_installation",
      targetId: installation.id,
      metadata: {
        name: installation.name,
        tool: input.tool,
        ok: code === null,
        ms: answer?.ms ?? elapsed(),
        ...(code ? { code } : {}),
      },
    },
  }));
  if (refused) throw callRefusal(refused);
  return answer!;
}
