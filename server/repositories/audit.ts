import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { auditLogs, users } from "@/db/schema";
import { decodeCursor, toPage, type Page } from "./pagination";

export type AuditInsert = typeof auditLogs.$inferInsert;
export type AuditRow = typeof auditLogs.$inferSelect;

export async function insertAuditLog(db: Db, entry: AuditInsert): Promise<void> {
  await db.insert(auditLogs).values(entry);
}

export interface AuditQuery {
  tenantId: string;
  action?: string;
  cursor?: string | null;
  limit: number;
}

export type AuditListItem = AuditRow & { actorName: string | null };

export async function listAuditLogs(db: Db, query: AuditQuery): Promise<Page<AuditListItem>> {
  const filters: (SQL | undefined)[] = [eq(auditLogs.tenantId, query.tenantId)];
  if (query.action) filters.push(eq(auditLogs.action, query.action));
  const cursor = decodeCursor(query.cursor);
  if (cursor) {
    filters.push(
      or(lt(auditLogs.createdAt, cursor.at), and(eq(auditLogs.createdAt, cursor.at), lt(auditLogs.id, cursor.id))),
    );
  }
  const rows = await db
    .select({ log: auditLogs, actorName: users.name })
    .from(auditLogs)
    .leftJoin(users, eq(users.id, auditLogs.actorUserId))
    .where(and(...filters))
    .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
    .limit(query.limit + 1);
  return toPage(
    rows.map((r) => ({ ...r.log, actorName: r.actorName })),
    query.limit,
  );
}

/** The newest audit records for one actor label (an e-mail), across tenants: what happened to an account. */
export async function listAuditLogsOfActor(db: Db, actorLabel: string, limit = 50): Promise<AuditRow[]> {
  return db
    .select()
    .from(auditLogs)
    .where(eq(auditLogs.actorLabel, actorLabel))
    .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
    .limit(limit);
}
