import type { Db } from "@/db/client";
import { PlanSchema, type Plan } from "@/engine/schema/plan";
import { findVersion } from "@/server/repositories/workflow-versions";

const MAX_CACHED = 500;
/** Published and draft versions never change, so their checked plans are kept (least recently used go first). */
const cache = new Map<string, { tenantId: string; workflowId: string; plan: Plan }>();

/**
 * The plan of a workflow version, checked against the plan schema, with the workflow it belongs
 * to; undefined when the version does not exist in this tenant or its stored plan is not valid.
 */
export async function loadVersion(
  db: Db,
  tenantId: string,
  versionId: string,
): Promise<{ workflowId: string; plan: Plan } | undefined> {
  const cached = cache.get(versionId);
  if (cached) {
    cache.delete(versionId);
    cache.set(versionId, cached);
    return cached.tenantId === tenantId ? cached : undefined;
  }
  const version = await findVersion(db, tenantId, versionId);
  const parsed = PlanSchema.safeParse(version?.plan);
  if (!version || !parsed.success) return undefined;
  const entry = { tenantId, workflowId: version.workflowId, plan: parsed.data };
  cache.set(versionId, entry);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return entry;
}

/** The plan of a workflow version (see loadVersion). */
export async function loadVersionPlan(
  db: Db,
  tenantId: string,
  versionId: string,
): Promise<Plan | undefined> {
  return (await loadVersion(db, tenantId, versionId))?.plan;
}
