import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { preparedQuery } from "@/db/statements";
import {
  users,
  workflowTriggers,
  workflowVersions,
  workflows,
  type WebhookConfig,
  type WorkflowTriggerRow,
} from "@/db/schema";

/** `workflow_triggers` rows of kind "webhook" (schedules live in the same table, see repositories/schedules). */
const isWebhook = eq(workflowTriggers.kind, "webhook");

/** A webhook as it may leave the server: never its secret, only whether it has one. */
export interface WebhookSummary {
  id: string;
  workflowId: string;
  name: string;
  publicId: string;
  isEnabled: boolean;
  config: WebhookConfig;
  hasSecret: boolean;
  listenUntil: Date | null;
  lastRequest: unknown;
  lastRequestAt: Date | null;
  createdBy: string | null;
  createdByName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const summaryColumns = {
  id: workflowTriggers.id,
  workflowId: workflowTriggers.workflowId,
  name: workflowTriggers.name,
  publicId: sql<string>`${workflowTriggers.publicId}`,
  isEnabled: workflowTriggers.isEnabled,
  config: sql<WebhookConfig>`${workflowTriggers.config}`,
  hasSecret: sql<boolean>`${workflowTriggers.secretEncrypted} is not null`,
  listenUntil: workflowTriggers.listenUntil,
  lastRequest: workflowTriggers.lastRequest,
  lastRequestAt: workflowTriggers.lastRequestAt,
  createdBy: workflowTriggers.createdBy,
  createdByName: users.name,
  createdAt: workflowTriggers.createdAt,
  updatedAt: workflowTriggers.updatedAt,
};

export interface WebhookInsert {
  tenantId: string;
  workflowId: string;
  name: string;
  publicId: string;
  config: WebhookConfig;
  secretEncrypted: string | null;
  createdBy: string;
  createdByTokenId: string | null;
}

export async function insertWebhook(db: Db, values: WebhookInsert): Promise<WorkflowTriggerRow> {
  const [row] = await db
    .insert(workflowTriggers)
    .values({ ...values, kind: "webhook" })
    .returning();
  return row!;
}

/** A workflow's webhooks, oldest first (the order they were added in). */
export function listWebhooks(
  db: Db,
  tenantId: string,
  workflowId: string,
): Promise<WebhookSummary[]> {
  return db
    .select(summaryColumns)
    .from(workflowTriggers)
    .leftJoin(users, eq(users.id, workflowTriggers.createdBy))
    .where(
      and(
        eq(workflowTriggers.tenantId, tenantId),
        eq(workflowTriggers.workflowId, workflowId),
        isWebhook,
      ),
    )
    .orderBy(asc(workflowTriggers.createdAt), asc(workflowTriggers.id));
}

export async function findWebhookSummary(
  db: Db,
  tenantId: string,
  id: string,
): Promise<WebhookSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(workflowTriggers)
    .leftJoin(users, eq(users.id, workflowTriggers.createdBy))
    .where(and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.id, id), isWebhook));
  return row;
}

export async function countWebhooks(db: Db, tenantId: string, workflowId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(workflowTriggers)
    .where(
      and(
        eq(workflowTriggers.tenantId, tenantId),
        eq(workflowTriggers.workflowId, workflowId),
        isWebhook,
      ),
    );
  return row?.n ?? 0;
}

export type WebhookPatch = Partial<
  Pick<WorkflowTriggerRow, "name" | "isEnabled" | "secretEncrypted" | "listenUntil">
> & { config?: WebhookConfig };

/** Changes a webhook of this tenant; nothing when it is not this tenant's (or not a webhook). */
export async function updateWebhook(
  db: Db,
  tenantId: string,
  id: string,
  patch: WebhookPatch,
): Promise<boolean> {
  const rows = await db
    .update(workflowTriggers)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.id, id), isWebhook))
    .returning({ id: workflowTriggers.id });
  return rows.length > 0;
}

export async function deleteWebhook(db: Db, tenantId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(workflowTriggers)
    .where(and(eq(workflowTriggers.tenantId, tenantId), eq(workflowTriggers.id, id), isWebhook))
    .returning({ id: workflowTriggers.id });
  return rows.length > 0;
}

/** What a request to `/api/hooks/<publicId>` needs: the hook, and whether its workflow has a published version. */
export interface WebhookTarget {
  hook: WorkflowTriggerRow;
  latestVersionId: string | null;
}

/**
 * The enabled webhook with this public id, in whatever tenant: the unguessable id in the URL is
 * what the caller proves (as an API token's hash is), and the hook names its tenant.
 */
const enabledWebhookByPublicId = preparedQuery("find_enabled_webhook", (db) =>
  db
    .select({
      hook: workflowTriggers,
      latestVersionId: sql<string | null>`(select ${workflowVersions.id} from ${workflowVersions}
        where ${workflowVersions.workflowId} = ${workflows.id} and ${workflowVersions.version} is not null
        order by ${workflowVersions.version} desc limit 1)`,
    })
    .from(workflowTriggers)
    .innerJoin(
      workflows,
      and(
        eq(workflows.id, workflowTriggers.workflowId),
        eq(workflows.tenantId, workflowTriggers.tenantId),
      ),
    )
    .where(
      and(
        eq(workflowTriggers.publicId, sql.placeholder("publicId")),
        isWebhook,
        eq(workflowTriggers.isEnabled, true),
      ),
    ),
);

export async function findEnabledWebhookByPublicId(
  db: Db,
  publicId: string,
): Promise<WebhookTarget | undefined> {
  const [row] = await enabledWebhookByPublicId(db).execute({ publicId });
  return row;
}

/** Keeps a request a listening hook received; nothing once its listening time is over. */
export async function recordWebhookRequest(
  db: Db,
  id: string,
  request: unknown,
  at: Date,
): Promise<void> {
  await db
    .update(workflowTriggers)
    .set({ lastRequest: request, lastRequestAt: at })
    .where(and(eq(workflowTriggers.id, id), isWebhook, gt(workflowTriggers.listenUntil, at)));
}
