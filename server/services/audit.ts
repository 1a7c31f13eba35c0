import type { Db } from "@/db/client";
import { insertAuditLog, listAuditLogs, type AuditInsert } from "@/server/repositories/audit";
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
  work: (tx: Db) => Promise<{ value: T; audit: AuditFields }>,
): Promise<T> {
  return ctx.db.transaction(async (tx) => {
    const { value, audit } = await work(tx as unknown as Db);
    await insertAuditLog(tx as unknown as Db, toAuditEntry(ctx, audit));
    return value;
  });
}

export function toAuditEntry(ctx: ServiceContext & { tenant?: { id: string } }, audit: AuditFields): AuditInsert {
  return {
    tenantId: audit.tenantId === undefined ? (ctx.tenant?.id ?? null) : audit.tenantId,
    actorUserId: ctx.actor.userId,
    actorLabel: ctx.actor.email,
    action: audit.action,
    targetType: audit.targetType ?? null,
    targetId: audit.targetId ?? null,
    metadata: audit.metadata ?? {},
    ip: ctx.meta.ip,
    userAgent: ctx.meta.userAgent,
  };
}

export function listTenantAuditLog(ctx: TenantContext, query: { action?: string; cursor?: string | null; limit: number }) {
  return listAuditLogs(ctx.db, { ...query, tenantId: ctx.tenant.id });
}
