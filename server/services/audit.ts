import type { Tx } from "@/db/client";
import { z } from "zod";
import {
  insertAuditLog,
  listAuditFacets,
  listAuditLogs,
  type AuditInsert,
  type AuditListItem,
} from "@/server/repositories/audit";
import type { Page } from "@/server/repositories/pagination";
import { ACCESS_ACTIONS, accessChanged } from "./access-changes";
import type { ServiceContext, TenantContext } from "./context";

export interface AuditFields {
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
  /** Defaults to the context's tenant; null for events outside any tenant. */
  tenantId?: string | null;
}

/**
 * Runs a change and writes its audit record in the same transaction: either both are stored or
 * neither is. Every mutating use case goes through here.
 *
 * @example
 * return withAudit(ctx, async (tx) => {
 *   const wf = await insertWorkflow(tx, ...);
 *   return { value: wf, audit: { action: "workflow.create", targetType: "workflow", targetId: wf.id } };
 * });
 */
export function withAudit<T>(
  ctx: ServiceContext & { tenant?: { id: string } },
  work: (tx: Tx) => Promise<{ value: T; audit: AuditFields }>,
): Promise<T> {
  let action = "";
  const committed = ctx.db.transaction(async (tx) => {
    const { value, audit } = await work(tx);
    await insertAuditLog(tx, toAuditEntry(ctx, audit));
    action = audit.action;
    return value;
  });
  // A change to access counts once it is stored (and before its caller hears of it).
  return committed.then((value) => {
    if (ACCESS_ACTIONS.test(action)) accessChanged();
    return value;
  });
}

export function toAuditEntry(
  ctx: ServiceContext & { tenant?: { id: string } },
  audit: AuditFields,
): AuditInsert {
  return {
    tenantId: audit.tenantId === undefined ? (ctx.tenant?.id ?? null) : audit.tenantId,
    actorUserId: ctx.actor.userId,
    actorLabel: ctx.actor.email,
    action: audit.action,
    targetType: audit.targetType ?? null,
    targetId: audit.targetId ?? null,
    // A change made through an API token names it: the actor is its creator.
    metadata: {
      ...audit.metadata,
      ...(ctx.meta.apiToken ? { viaApiToken: ctx.meta.apiToken } : {}),
    },
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
  };
}

/** The audit log's filters, as the page and the CSV export send them. */
export const auditFiltersInput = z.object({
  action: z.string().trim().max(100).optional(),
  actorUserId: z.uuid().optional(),
  /** Part of the actor's e-mail (or token name). */
  actor: z.string().trim().max(200).optional(),
  targetType: z.string().trim().max(100).optional(),
  targetId: z.string().trim().max(200).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type AuditFiltersInput = z.infer<typeof auditFiltersInput>;

export function listTenantAuditLog(
  ctx: TenantContext,
  query: AuditFiltersInput & { cursor?: string | null; limit: number },
) {
  return listAuditLogs(ctx.db, { ...withoutBlanks(query), tenantId: ctx.tenant.id });
}

/** The actions, actors and target types present in the tenant's log, for the filter pickers. */
export function getAuditFacets(ctx: TenantContext) {
  return listAuditFacets(ctx.db, ctx.tenant.id);
}

const EXPORT_PAGE = 100;

/** Every record matching the filters, newest first, read a page at a time (the CSV export). */
export async function* exportTenantAuditLog(
  ctx: TenantContext,
  filters: AuditFiltersInput,
): AsyncGenerator<AuditListItem> {
  let cursor: string | null = null;
  do {
    const page: Page<AuditListItem> = await listAuditLogs(ctx.db, {
      ...withoutBlanks(filters),
      tenantId: ctx.tenant.id,
      cursor,
      limit: EXPORT_PAGE,
    });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** An empty text field means "any". */
function withoutBlanks<T extends Record<string, unknown>>(query: T): T {
  return Object.fromEntries(
    Object.entries(query).filter(([, v]) => v !== "" && v !== undefined),
  ) as T;
}

/** The audit CSV's columns (GET /api/audit/export). */
export const AUDIT_CSV_COLUMNS: { header: string; value: (row: AuditListItem) => string | null }[] =
  [
    { header: "time (UTC)", value: (r) => r.createdAt.toISOString() },
    { header: "actor", value: (r) => r.actorLabel },
    { header: "actor name", value: (r) => r.actorName },
    { header: "action", value: (r) => r.action },
    { header: "target type", value: (r) => r.targetType },
    { header: "target id", value: (r) => r.targetId },
    { header: "metadata", value: (r) => JSON.stringify(r.metadata) },
    { header: "ip", value: (r) => r.ip },
    { header: "user agent", value: (r) => r.userAgent },
    { header: "id", value: (r) => r.id },
  ];
