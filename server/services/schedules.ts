import { z } from "zod";
import type { ScheduleConfig } from "@/db/schema";
import { AppError, conflict, notFound } from "@/engine/errors";
import { validateRunInput } from "@/engine/runtime/run-plan";
import { hasPermission } from "@/server/auth/permissions";
import * as repo from "@/server/repositories/schedules";
import { findLatestPublishedVersion } from "@/server/repositories/workflow-versions";
import { findWorkflowHead } from "@/server/repositories/workflows";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import {
  checkSchedule,
  canonicalTimezone,
  describeCron,
  MAX_CRON_LENGTH,
  nextFireAfter,
  nextFireTimes,
} from "./schedule-times";
import { loadVersionPlan } from "./version-plans";

/**
 * Schedules: a workflow's latest published version, run by cron in a time zone, with a fixed
 * input. This file holds the editing use cases; server/services/scheduler.ts fires them.
 */

/** How many upcoming fire times the list and the preview show. */
export const UPCOMING_FIRES = 5;
/** A schedule's input is stored with it: keep it to a size a form holds. */
const MAX_INPUT_BYTES = 64 * 1024;

const cron = z
  .string()
  .trim()
  .min(1, "Write a cron expression, such as 0 9 * * 1-5")
  .max(MAX_CRON_LENGTH, `At most ${MAX_CRON_LENGTH} characters`);
const timezone = z.string().trim().min(1, "Pick a time zone").max(64, "At most 64 characters");

/** Field errors for an expression and time zone, as a form shows them (cron, timezone). */
function refineSchedule(value: { cron: string; timezone: string }, context: z.RefinementCtx) {
  const problem = checkSchedule(value.cron, value.timezone);
  if (problem)
    context.addIssue({ code: "custom", path: [problem.field], message: problem.message });
}

/** The size of a value as JSON; infinite for what JSON cannot hold. */
function jsonSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

const scheduleFields = {
  name: z.string().trim().max(120, "At most 120 characters").default(""),
  cron,
  timezone,
  /** The run's input; checked against the published version's input when saved. */
  input: z
    .unknown()
    .refine(
      (value) => jsonSize(value ?? {}) <= MAX_INPUT_BYTES,
      `The input must be JSON of at most ${MAX_INPUT_BYTES / 1024} KB`,
    ),
  misfire: z.enum(["skip", "run-once"]).default("skip"),
};

export const createScheduleInput = z
  .object({ workflowId: z.uuid(), ...scheduleFields })
  .superRefine(refineSchedule);
export const updateScheduleInput = z
  .object({ id: z.uuid(), ...scheduleFields })
  .superRefine(refineSchedule);
export const previewScheduleInput = z.object({ cron, timezone }).superRefine(refineSchedule);
export type CreateScheduleInput = z.infer<typeof createScheduleInput>;
export type UpdateScheduleInput = z.infer<typeof updateScheduleInput>;

const scheduleConfig = z.object({
  cron: z.string(),
  timezone: z.string(),
  input: z.unknown(),
  misfire: z.enum(["skip", "run-once"]),
});

/** A stored schedule's settings, read through zod (the column is shared with webhooks); undefined when damaged. */
export function readScheduleConfig(config: unknown): ScheduleConfig | undefined {
  const parsed = scheduleConfig.safeParse(config);
  return parsed.success ? parsed.data : undefined;
}

/** A schedule as the triggers dialog shows it. */
export interface ScheduleItem {
  id: string;
  workflowId: string;
  name: string;
  isEnabled: boolean;
  cron: string;
  timezone: string;
  input: unknown;
  misfire: ScheduleConfig["misfire"];
  /** The expression in words when it is a common one. */
  description: string | null;
  nextFireAt: Date | null;
  lastFiredAt: Date | null;
  /** Why the last fire started no run (the creator left, the workflow is paused, …); null once one started. */
  lastError: string | null;
  lastErrorAt: Date | null;
  /** The next fire times from now (shown also while paused: what resuming brings). */
  upcoming: Date[];
  createdByName: string | null;
  /** False when the member it acts as left the tenant or may no longer run workflows: its fires are refused. */
  canCreatorRun: boolean;
  createdAt: Date;
  updatedAt: Date;
}

function toItem(row: repo.ScheduleWithCreator, now: Date): ScheduleItem {
  const config = readScheduleConfig(row.config) ?? {
    cron: "",
    timezone: "UTC",
    input: null,
    misfire: "skip" as const,
  };
  let upcoming: Date[] = [];
  try {
    upcoming = nextFireTimes(config.cron, config.timezone, UPCOMING_FIRES, now);
  } catch {
    // A damaged row is listed (so it can be deleted) without fire times.
  }
  return {
    id: row.id,
    workflowId: row.workflowId,
    name: row.name,
    isEnabled: row.isEnabled,
    cron: config.cron,
    timezone: config.timezone,
    input: config.input,
    misfire: config.misfire,
    description: describeCron(config.cron),
    nextFireAt: row.nextFireAt,
    lastFiredAt: row.lastFiredAt,
    lastError: row.lastError,
    lastErrorAt: row.lastErrorAt,
    upcoming,
    createdByName: row.createdByName,
    canCreatorRun: row.createdByRole !== null && hasPermission(row.createdByRole, "workflow.run"),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The workflow (in this tenant) and its latest published version's plan, with the input checked
 * against it: a schedule runs that version, so its input must fit now, not at 3 a.m.
 */
async function checkAgainstPublished(ctx: TenantContext, workflowId: string, input: unknown) {
  const workflow = await findWorkflowHead(ctx.db, ctx.tenant.id, workflowId);
  if (!workflow) throw notFound("workflow", workflowId);
  const latest = await findLatestPublishedVersion(ctx.db, ctx.tenant.id, workflowId);
  const plan = latest ? await loadVersionPlan(ctx.db, ctx.tenant.id, latest.id) : undefined;
  if (!latest || !plan) {
    throw conflict(
      `The workflow "${workflow.name}" has never been published: a schedule runs the latest published version, so publish it on its canvas first.`,
      {
        reason: "NOT_PUBLISHED",
      },
    );
  }
  const problems = validateRunInput(plan, input);
  if (problems.length) {
    throw new AppError(
      "INVALID_INPUT",
      `The input does not fit version ${latest.version}: ${problems.join("; ")}`,
      { field: "input", problems },
    );
  }
  return workflow;
}

function configOf(input: {
  cron: string;
  timezone: string;
  input: unknown;
  misfire: ScheduleConfig["misfire"];
}): ScheduleConfig {
  return {
    cron: input.cron.trim().replace(/\s+/g, " "),
    timezone: canonicalTimezone(input.timezone) ?? input.timezone,
    input: input.input ?? {},
    misfire: input.misfire,
  };
}

/** A workflow's schedules with their next fire times, and the version they run (null: never published). */
export async function listSchedules(ctx: TenantContext, workflowId: string, now = new Date()) {
  const workflow = await findWorkflowHead(ctx.db, ctx.tenant.id, workflowId);
  if (!workflow) throw notFound("workflow", workflowId);
  const [rows, latest] = await Promise.all([
    repo.listSchedules(ctx.db, ctx.tenant.id, workflowId),
    findLatestPublishedVersion(ctx.db, ctx.tenant.id, workflowId),
  ]);
  return {
    schedules: rows.map((row) => toItem(row, now)),
    publishedVersion: latest?.version ?? null,
  };
}

/** Makes a schedule that acts as the member making it (server/services/trigger-context.ts). */
export async function createSchedule(
  ctx: TenantContext,
  input: CreateScheduleInput,
  now = new Date(),
): Promise<ScheduleItem> {
  const config = configOf(input);
  const workflow = await checkAgainstPublished(ctx, input.workflowId, config.input);
  return withAudit(ctx, async (tx) => {
    const row = await repo.insertSchedule(tx, {
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      name: input.name,
      config,
      nextFireAt: nextFireAfter(config.cron, config.timezone, now),
      createdBy: ctx.actor.userId,
      createdByTokenId: ctx.meta.apiToken?.id ?? null,
    });
    return {
      value: toItem({ ...row, createdByName: ctx.actor.name, createdByRole: ctx.tenant.role }, now),
      audit: {
        action: "schedule.create",
        targetType: "schedule",
        targetId: row.id,
        metadata: {
          workflowId: workflow.id,
          workflow: workflow.name,
          cron: config.cron,
          timezone: config.timezone,
          misfire: config.misfire,
        },
      },
    };
  });
}

/** Changes a schedule's settings; a new expression or time zone counts from now (nothing missed is caught up). */
export async function updateSchedule(
  ctx: TenantContext,
  input: UpdateScheduleInput,
  now = new Date(),
): Promise<ScheduleItem> {
  const existing = await repo.findSchedule(ctx.db, ctx.tenant.id, input.id);
  if (!existing) throw notFound("schedule", input.id);
  const config = configOf(input);
  const workflow = await checkAgainstPublished(ctx, existing.workflowId, config.input);
  const before = readScheduleConfig(existing.config);
  const isRetimed = !before || before.cron !== config.cron || before.timezone !== config.timezone;
  return withAudit(ctx, async (tx) => {
    const row = await repo.updateSchedule(tx, ctx.tenant.id, input.id, {
      name: input.name,
      config,
      ...(isRetimed ? { nextFireAt: nextFireAfter(config.cron, config.timezone, now) } : {}),
    });
    if (!row) throw notFound("schedule", input.id);
    return {
      value: toItem(
        { ...row, createdByName: existing.createdByName, createdByRole: existing.createdByRole },
        now,
      ),
      audit: {
        action: "schedule.update",
        targetType: "schedule",
        targetId: row.id,
        metadata: {
          workflowId: workflow.id,
          workflow: workflow.name,
          before: before
            ? { cron: before.cron, timezone: before.timezone, misfire: before.misfire }
            : null,
          cron: config.cron,
          timezone: config.timezone,
          misfire: config.misfire,
        },
      },
    };
  });
}

/**
 * Pauses or resumes a schedule. Resuming counts from now: the fires that fell in the pause are
 * not caught up (that is what pausing is for), whatever the misfire policy.
 */
export async function setScheduleEnabled(
  ctx: TenantContext,
  input: { id: string; isEnabled: boolean },
  now = new Date(),
): Promise<ScheduleItem> {
  const existing = await repo.findSchedule(ctx.db, ctx.tenant.id, input.id);
  if (!existing) throw notFound("schedule", input.id);
  if (existing.isEnabled === input.isEnabled) return toItem(existing, now);
  const config = readScheduleConfig(existing.config);
  return withAudit(ctx, async (tx) => {
    const row = await repo.updateSchedule(tx, ctx.tenant.id, input.id, {
      isEnabled: input.isEnabled,
      ...(input.isEnabled && config
        ? { nextFireAt: nextFireAfter(config.cron, config.timezone, now) }
        : {}),
    });
    if (!row) throw notFound("schedule", input.id);
    return {
      value: toItem(
        { ...row, createdByName: existing.createdByName, createdByRole: existing.createdByRole },
        now,
      ),
      audit: {
        action: input.isEnabled ? "schedule.resume" : "schedule.pause",
        targetType: "schedule",
        targetId: row.id,
        metadata: { workflowId: row.workflowId, cron: config?.cron },
      },
    };
  });
}

export async function deleteSchedule(ctx: TenantContext, id: string): Promise<{ id: string }> {
  const existing = await repo.findSchedule(ctx.db, ctx.tenant.id, id);
  if (!existing) throw notFound("schedule", id);
  const config = readScheduleConfig(existing.config);
  return withAudit(ctx, async (tx) => {
    if (!(await repo.deleteSchedule(tx, ctx.tenant.id, id))) throw notFound("schedule", id);
    return {
      value: { id },
      audit: {
        action: "schedule.delete",
        targetType: "schedule",
        targetId: id,
        metadata: {
          workflowId: existing.workflowId,
          cron: config?.cron,
          timezone: config?.timezone,
        },
      },
    };
  });
}

/** The next fire times of an expression being typed (no database). */
export function previewSchedule(input: { cron: string; timezone: string }, now = new Date()) {
  const zone = canonicalTimezone(input.timezone) ?? input.timezone;
  return {
    timezone: zone,
    description: describeCron(input.cron),
    fireTimes: nextFireTimes(input.cron, zone, UPCOMING_FIRES, now),
  };
}
