import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { RegistrySyncResult } from "@/db/schema";
import { AppError, conflict, notFound } from "@/engine/errors";
import { BUILTIN_CATALOG } from "@/server/mcp/builtin-catalog";
import { fetchRegistryListings } from "@/server/mcp/config-io";
import * as catalog from "@/server/repositories/mcp-catalog";
import * as sources from "@/server/repositories/mcp-registry-sources";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { toCatalogInsert } from "./mcp-catalog";
import { startPeriodicRound } from "./periodic-round";

/**
 * Registry sources: a tenant's catalog synced from an MCP Registry API (`/v0.1/servers`), on
 * demand and every few hours. A sync reads every page first and writes nothing until all of them
 * arrived, so a registry that fails half-way loses nothing; then, in one transaction, entries are
 * upserted by name (no duplicates across syncs), and entries the registry marks deleted, or no
 * longer lists at all (full syncs), are kept, marked removed. The first sync is full; later ones
 * ask for changes since the newest update time seen. A lease on the source row lets one process
 * sync a source at a time.
 */

export const SYNC_EVERY_MS = 6 * 3_600_000;
const LEASE_MS = 10 * 60_000;
const PROCESS_ID = `${hostname()}:${process.pid}`;

export const addSourceInput = z.object({
  url: z
    .url({ protocol: /^https?$/, error: "Give the registry's http(s) URL" })
    .max(500)
    .transform((url) => url.replace(/\/+$/, "")),
});

export type SyncOutcome =
  | { status: "synced"; result: RegistrySyncResult }
  | { status: "busy" }
  | { status: "failed"; error: string };

const builtinNames = new Set(BUILTIN_CATALOG.map((b) => b.serverJson.name));

/**
 * Syncs one source (any tenant's: the scheduler calls it too). `busy` when another sync holds the
 * source; `failed` with the registry's error, recorded on the source, when nothing was changed.
 */
export async function syncRegistrySource(
  db: Db,
  sourceId: string,
  options: { mode?: "auto" | "full"; now?: () => Date; fetchImpl?: typeof fetch } = {},
): Promise<SyncOutcome> {
  const now = options.now ?? (() => new Date());
  const holder = `${PROCESS_ID}:${randomUUID().slice(0, 8)}`;
  const startedAt = now();
  const source = await sources.claimRegistrySource(db, sourceId, holder, startedAt, LEASE_MS);
  if (!source) return { status: "busy" };
  const isFull = options.mode === "full" || !source.lastFullSyncAt || !source.watermark;
  const started = performance.now();
  try {
    const listed = await fetchRegistryListings(source.url, {
      ...(isFull ? {} : { updatedSince: source.watermark! }),
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    });
    const skipped = listed.skipped.length;
    const kept = listed.entries.filter((e) => !builtinNames.has(e.server.name));
    const live = kept.filter((e) => e.status !== "deleted");
    const deletedNames = kept.filter((e) => e.status === "deleted").map((e) => e.server.name);
    const written = await db.transaction(async (tx) => {
      const { added, updated } = await catalog.upsertRegistryEntries(
        tx,
        source.tenantId,
        live.map((e) => ({
          ...toCatalogInsert(e.server, "registry"),
          registrySourceId: source.id,
          registryStatus: e.status,
          registryUpdatedAt: e.updatedAt,
        })),
      );
      const removed =
        (await catalog.markRegistryEntriesDeleted(tx, source.tenantId, source.id, {
          names: deletedNames,
        })) +
        (isFull
          ? await catalog.markRegistryEntriesDeleted(tx, source.tenantId, source.id, {
              allBut: live.map((e) => e.server.name),
            })
          : 0);
      const entryCount = await catalog.countRegistrySourceEntries(tx, source.id);
      return { added, updated, removed, entryCount };
    });
    // Without fresh statistics the planner misjudges searches after a large first sync.
    if (written.added + written.removed > 200) await catalog.analyzeCatalog(db);
    const newest = Math.max(
      source.watermark?.getTime() ?? 0,
      ...listed.entries.map((e) => e.updatedAt?.getTime() ?? 0),
    );
    const result: RegistrySyncResult = {
      mode: isFull ? "full" : "incremental",
      added: written.added,
      updated: written.updated,
      removed: written.removed,
      deprecated: live.filter((e) => e.status === "deprecated").length,
      skipped: skipped + (listed.entries.length - kept.length),
      pages: listed.pages,
      durationMs: Math.round(performance.now() - started),
    };
    await sources.finishRegistrySync(db, source.id, holder, {
      ok: true,
      at: now(),
      result,
      watermark: newest > 0 ? new Date(newest) : null,
      entryCount: written.entryCount,
    });
    return { status: "synced", result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await sources.finishRegistrySync(db, source.id, holder, {
      ok: false,
      at: now(),
      error: message,
    });
    return { status: "failed", error: message };
  }
}

/** The tenant's sources, with whether a sync is running now. */
export async function listRegistrySources(ctx: TenantContext) {
  const rows = await sources.listRegistrySources(ctx.db, ctx.tenant.id);
  const now = Date.now();
  return rows.map(({ leasedBy: _holder, leasedUntil, ...row }) => ({
    ...row,
    isSyncing: leasedUntil !== null && leasedUntil.getTime() > now,
  }));
}

/** Adds a registry (or finds the tenant's existing one with that URL); the caller syncs it. */
export async function addRegistrySource(ctx: TenantContext, input: z.infer<typeof addSourceInput>) {
  return withAudit(ctx, async (tx) => {
    const { row, isNew } = await sources.insertRegistrySource(tx, {
      tenantId: ctx.tenant.id,
      url: input.url,
      createdBy: ctx.actor.userId,
    });
    return {
      value: { id: row.id, url: row.url, isNew },
      audit: {
        action: "catalog.source.add",
        targetType: "registry_source",
        targetId: row.id,
        metadata: { url: row.url, isNew },
      },
    };
  });
}

/** Removes the source; its entries stay in the catalog (installations may use them). */
export async function removeRegistrySource(ctx: TenantContext, id: string) {
  return withAudit(ctx, async (tx) => {
    if (!(await sources.deleteRegistrySource(tx, ctx.tenant.id, id)))
      throw notFound("registry source", id);
    return {
      value: { id },
      audit: { action: "catalog.source.remove", targetType: "registry_source", targetId: id },
    };
  });
}

/**
 * "Sync now": 409 while another sync of the source runs, 412 naming the registry's error when it
 * failed (the source keeps the error and the catalog is unchanged), else the figures.
 */
export async function syncRegistrySourceNow(
  ctx: TenantContext,
  input: { id: string; full?: boolean },
  options: { fetchImpl?: typeof fetch } = {},
): Promise<RegistrySyncResult> {
  const source = await sources.findRegistrySource(ctx.db, ctx.tenant.id, input.id);
  if (!source) throw notFound("registry source", input.id);
  const outcome = await syncRegistrySource(ctx.db, source.id, {
    mode: input.full ? "full" : "auto",
    ...options,
  });
  if (outcome.status === "busy")
    throw conflict("This registry is being synced right now; try again when it has finished");
  await withAudit(ctx, async () => ({
    value: null,
    audit: {
      action: "catalog.sync",
      targetType: "registry_source",
      targetId: source.id,
      metadata:
        outcome.status === "synced"
          ? { url: source.url, ...outcome.result }
          : { url: source.url, error: outcome.error },
    },
  }));
  if (outcome.status === "failed")
    throw new AppError("UNAVAILABLE", `Sync failed, nothing was changed: ${outcome.error}`);
  return outcome.result;
}

/** Syncs the sources not synced for `everyMs`, a few per round; the lease keeps processes apart. */
export async function runRegistrySyncRound(
  db: Db,
  options: { everyMs?: number; now?: () => Date; fetchImpl?: typeof fetch } = {},
): Promise<SyncOutcome[]> {
  const now = options.now?.() ?? new Date();
  const due = await sources.listDueRegistrySources(
    db,
    new Date(now.getTime() - (options.everyMs ?? SYNC_EVERY_MS)),
    now,
    5,
  );
  const outcomes: SyncOutcome[] = [];
  for (const source of due) {
    outcomes.push(
      await syncRegistrySource(db, source.id, {
        ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
      }),
    );
  }
  return outcomes;
}

/** Starts the periodic registry sync (from server/boot.ts): a round a minute, each syncing the sources due. */
export function startRegistrySync(
  options: { intervalMs?: number; getDb?: () => Promise<{ db: Db }> } = {},
): () => void {
  return startPeriodicRound({
    name: "Registry sync",
    intervalMs: options.intervalMs ?? 60_000,
    ...(options.getDb ? { getDb: options.getDb } : {}),
    round: (db) => runRegistrySyncRound(db),
  });
}
