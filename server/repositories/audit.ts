import { and, asc, desc, eq, gte, ilike, isNotNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { batchRows, noStatement, prepared, type Statement } from "@/db/statements";
import { auditLogs, users } from "@/db/schema";
import { afterCursor, decodeCursor, encodeCursor, type Page } from "./pagination";

export type AuditInsert = typeof auditLogs.$inferInsert;
export type AuditRow = typeof auditLogs.$inferSelect;

/** The only write: the log is append-only (a trigger refuses UPDATE and DELETE, see db/migrations/0003_admin.sql). */
export async function insertAuditLog(db: Db, entry: AuditInsert): Promise<void> {
  await db.insert(auditLogs).values(entry);
}

export interface AuditFilters {
  tenantId: string;
  action?: string;
  actorUserId?: string;
  /** Part of the actor's label (an e-mail, a token name), case-insensitive. */
  actor?: string;
  targetType?: string;
  targetId?: string;
  /** From this instant (included) to that one (excluded). */
  from?: Date;
  to?: Date;
}

export interface AuditQuery extends AuditFilters {
  cursor?: string | null;
  limit: number;
}

export type AuditListItem = AuditRow & { actorName: string | null };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function filtersOf(query: AuditFilters): (SQL | undefined)[] {
  return [
    eq(auditLogs.tenantId, query.tenantId),
    query.action ? eq(auditLogs.action, query.action) : undefined,
    query.actorUserId ? eq(auditLogs.actorUserId, query.actorUserId) : undefined,
    query.actor ? ilike(auditLogs.actorLabel, `%${escapeLike(query.actor)}%`) : undefined,
    query.targetType ? eq(auditLogs.targetType, query.targetType) : undefined,
    query.targetId ? eq(auditLogs.targetId, query.targetId) : undefined,
    query.from ? gte(auditLogs.createdAt, query.from) : undefined,
    query.to ? lt(auditLogs.createdAt, query.to) : undefined,
  ];
}

/** A page of a tenant's log, newest first (see afterCursor for how the cursor keeps microseconds). */
export async function listAuditLogs(db: Db, query: AuditQuery): Promise<Page<AuditListItem>> {
  const filters = filtersOf(query);
  const cursor = decodeCursor(query.cursor);
  if (cursor) filters.push(afterCursor(auditLogs, cursor));
  const rows = await db
    .select({ log: auditLogs, actorName: users.name })
    .from(auditLogs)
    .leftJoin(users, eq(users.id, auditLogs.actorUserId))
    .where(and(...filters))
    .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((r) => ({ ...r.log, actorName: r.actorName }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

const FACET_LIMIT = 200;

/** What the log's filters can offer: the actions, actors and target types present in a tenant's log. */
export async function listAuditFacets(db: Db, tenantId: string) {
  const mine = eq(auditLogs.tenantId, tenantId);
  const [actions, targetTypes, actors] = await Promise.all([
    db
      .selectDistinct({ action: auditLogs.action })
      .from(auditLogs)
      .where(mine)
      .orderBy(asc(auditLogs.action))
      .limit(FACET_LIMIT),
    db
      .selectDistinct({ targetType: auditLogs.targetType })
      .from(auditLogs)
      .where(and(mine, isNotNull(auditLogs.targetType)))
      .orderBy(asc(auditLogs.targetType))
      .limit(FACET_LIMIT),
    db
      .select({
        userId: auditLogs.actorUserId,
        label: sql<string>`max(${auditLogs.actorLabel})`,
        name: users.name,
      })
      .from(auditLogs)
      .innerJoin(users, eq(users.id, auditLogs.actorUserId))
      .where(mine)
      .groupBy(auditLogs.actorUserId, users.name)
      .orderBy(asc(users.name))
      .limit(FACET_LIMIT),
  ]);
  return {
    actions: actions.map((a) => a.action),
    targetTypes: targetTypes.map((t) => t.targetType!).filter(Boolean),
    actors: actors.map((a) => ({ userId: a.userId!, label: a.label, name: a.name })),
  };
}

/** The newest audit records for one actor label (an e-mail), across tenants: what happened to an account. */
export async function listAuditLogsOfActor(
  db: Db,
  actorLabel: string,
  limit = 50,
): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLogs)
    .where(eq(auditLogs.actorLabel, actorLabel))
    .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
    .limit(limit);
}

const insertAuditRows = prepared<{ rows: string }>((db) =>
  db
    .insert(auditLogs)
    .select(
      batchRows(auditLogs, [
        "tenantId",
        "actorUserId",
        "actorLabel",
        "action",
        "targetType",
        "targetId",
        "metadata",
        "ip",
        "userAgent",
      ]),
    ),
);

/** Several audit records at once (the run journal's batches). */
export function insertAuditLogs(db: Db, entries: AuditInsert[]): Statement<undefined> {
  if (entries.length === 0) return noStatement();
  const rows = entries.map((e) => ({ ...e, metadata: e.metadata ?? {} }));
  return insertAuditRows(db, { rows: JSON.stringify(rows) });
}
