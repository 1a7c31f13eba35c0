import type { Db } from "@/db/client";
import type { ScheduleConfig } from "@/db/schema";
import { AppError } from "@/engine/errors";
import * as repo from "@/server/repositories/schedules";
import type { RequestMeta } from "./context";
import { decideFire } from "./schedule-times";
import { readScheduleConfig } from "./schedules";
import { IDEMPOTENCY_IN_PROGRESS, startRun, type RunDeps } from "./runs";
import { contextForTrigger } from "./trigger-context";

/**
 * The scheduler: every process that runs workers ticks about once a second. A tick locks the due
 * schedule rows (`FOR UPDATE SKIP LOCKED`, so schedulers in other processes take other rows or
 * none), decides each one's fire and next due time (croner, in JavaScript), writes them with a
 * lease, commits, and only then starts the runs. The run's idempotency key names the schedule and
 * the fire time, so a fire is started once even when a process died after taking it: its lease
 * expires, another scheduler sees the unfinished fire (`leasedBy` still set) and starts it again
 * with the same key, which gives back the run if there was one.
 */

export interface SchedulerDeps {
  db: Db;
  runDeps: RunDeps;
  /** Names this process in the leases it holds. */
  workerId: string;
  /** The clock (tests move it). */
  now?: () => Date;
  /** How long a taken fire is this process's before another may retry it. */
  leaseMs?: number;
  /** Rows locked per tick; more wait for the next tick. */
  batchSize?: number;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_BATCH = 50;
const SCHEDULER_META: RequestMeta = { ip: null, userAgent: "Maestro scheduler" };

interface Fire {
  schedule: repo.ScheduleRow;
  config: ScheduleConfig;
  at: Date;
}

export interface TickOutcome {
  /** Runs this tick started (replays of an earlier start with the same fire not counted). */
  started: number;
  /** Fires an earlier attempt had started already (the idempotency key gave its run back). */
  replayed: number;
  /** Fires refused (paused workflow, creator gone, input no longer fits, quota) and let go. */
  refused: number;
  /** Fires left leased after an unexpected error: retried once the lease expires. */
  failed: number;
  /** Fires passed over by the skip misfire policy. */
  skipped: number;
}

/**
 * One scheduler tick: takes and decides the due schedules in one transaction, then starts their
 * runs. Errors of one schedule are logged and never stop the others or the loop.
 */
export async function tickSchedules(deps: SchedulerDeps): Promise<TickOutcome> {
  const now = deps.now?.() ?? new Date();
  const leasedUntil = new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS));
  const outcome: TickOutcome = { started: 0, replayed: 0, refused: 0, failed: 0, skipped: 0 };

  const fires = await deps.db.transaction(async (tx) => {
    const rows = await repo.lockDueSchedules(tx, now, deps.batchSize ?? DEFAULT_BATCH);
    const taken: Fire[][] = [];
    for (const schedule of rows) {
      const config = readScheduleConfig(schedule.config);
      if (!config) {
        // A row no scheduler can read would be taken every tick: park it until someone saves it again.
        console.error(
          `Schedule ${schedule.id} has settings that cannot be read; it will not fire until it is saved again.`,
        );
        await repo.setScheduleFire(tx, schedule.id, {
          nextFireAt: null,
          lastFiredAt: schedule.lastFiredAt,
          leasedBy: null,
          leasedUntil: null,
        });
        continue;
      }
      // A lease that expired with its holder's name still on it: that fire may never have started.
      const unfinished = schedule.leasedBy && schedule.lastFiredAt ? schedule.lastFiredAt : null;
      const isDue =
        schedule.nextFireAt !== null &&
        schedule.nextFireAt <= now &&
        (!schedule.leasedUntil || schedule.leasedUntil <= now);
      let decision: ReturnType<typeof decideFire> | null;
      try {
        decision = isDue
          ? decideFire({
              cron: config.cron,
              timezone: config.timezone,
              misfire: config.misfire,
              dueAt: schedule.nextFireAt!,
              now,
            })
          : null;
      } catch (error) {
        console.error(
          `Schedule ${schedule.id}: its expression "${config.cron}" (${config.timezone}) cannot be read, so it is parked: ${messageOf(error)}`,
        );
        await repo.setScheduleFire(tx, schedule.id, {
          nextFireAt: null,
          lastFiredAt: schedule.lastFiredAt,
          leasedBy: null,
          leasedUntil: null,
        });
        continue;
      }
      if (decision?.missed) {
        console.warn(
          `Schedule ${schedule.id} of workflow ${schedule.workflowId} missed ${decision.missed} fire(s) since ${schedule.nextFireAt!.toISOString()} while no scheduler ran (${config.misfire === "skip" ? "skipped" : "run once instead"}).`,
        );
      }
      if (decision && !decision.fireAt) outcome.skipped += decision.missed;
      const times = [unfinished, decision?.fireAt].filter((at): at is Date => at instanceof Date);
      const unique = times.filter(
        (at, i) => times.findIndex((other) => other.getTime() === at.getTime()) === i,
      );
      await repo.setScheduleFire(tx, schedule.id, {
        nextFireAt: decision ? decision.nextFireAt : schedule.nextFireAt,
        lastFiredAt: decision?.fireAt ?? schedule.lastFiredAt,
        leasedBy: unique.length ? deps.workerId : null,
        leasedUntil: unique.length ? leasedUntil : null,
      });
      if (unique.length) taken.push(unique.map((at) => ({ schedule, config, at })));
    }
    return taken;
  });

  // Schedules fire side by side (run starts arriving together share one read: services/runs.ts);
  // one schedule's fires go in order, and its lease is let go when they are all settled.
  await Promise.all(
    fires.map(async (ofSchedule) => {
      let isSettled = true;
      for (const fire of ofSchedule) {
        const result = await startFire(deps, fire);
        outcome[result]++;
        if (result === "failed") isSettled = false;
      }
      if (isSettled) {
        await repo
          .releaseScheduleLease(deps.db, ofSchedule[0]!.schedule.id, deps.workerId, leasedUntil)
          .catch((error: unknown) =>
            console.error(
              `Schedule ${ofSchedule[0]!.schedule.id}: its lease could not be let go (it expires by itself): ${messageOf(error)}`,
            ),
          );
      }
    }),
  );
  return outcome;
}

/** The idempotency key of one fire of one schedule: the same fire retried is the same start. */
export function fireKey(scheduleId: string, at: Date): string {
  return `schedule:${scheduleId}:${at.toISOString()}`;
}

async function startFire(
  deps: SchedulerDeps,
  { schedule, config, at }: Fire,
): Promise<"started" | "replayed" | "refused" | "failed"> {
  try {
    const ctx = await contextForTrigger(deps.db, schedule, SCHEDULER_META);
    const run = await startRun(ctx, deps.runDeps, {
      workflowId: schedule.workflowId,
      input: config.input,
      trigger: "schedule",
      triggerId: schedule.id,
      idempotencyKey: fireKey(schedule.id, at),
    });
    if (schedule.lastError !== null) await noteFireError(deps, schedule.id, null, at);
    return run.isReplay ? "replayed" : "started";
  } catch (error) {
    // A refusal (paused workflow, the creator left, the input no longer fits, the tenant's quota)
    // will not change by retrying this fire: it is kept on the schedule, where the Triggers dialog
    // shows it, and the schedule goes on to its next fire. The same fire still under way elsewhere
    // is not a refusal: retry it when the lease expires.
    if (error instanceof AppError && error.details?.reason !== IDEMPOTENCY_IN_PROGRESS) {
      console.warn(
        `Schedule ${schedule.id} of workflow ${schedule.workflowId}: the fire of ${at.toISOString()} was skipped: ${error.message}`,
      );
      await noteFireError(deps, schedule.id, error.message, at);
      return "refused";
    }
    console.error(
      `Schedule ${schedule.id}: the fire of ${at.toISOString()} failed and is retried when its lease expires: ${messageOf(error)}`,
    );
    return "failed";
  }
}

async function noteFireError(
  deps: SchedulerDeps,
  scheduleId: string,
  error: string | null,
  at: Date,
): Promise<void> {
  await repo
    .recordScheduleFireError(deps.db, scheduleId, error, at)
    .catch((failure: unknown) =>
      console.error(
        `Schedule ${scheduleId}: what its fire of ${at.toISOString()} came to could not be kept: ${messageOf(failure)}`,
      ),
    );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Ticks every `intervalMs` (unref'd: it never keeps a process alive), one tick at a time, the
 * first at once so a restarted process catches up without waiting. `stop()` waits for a tick in
 * flight, so the queue it starts runs on is still open.
 */
export function startScheduler(deps: SchedulerDeps, intervalMs = 1000): { stop(): Promise<void> } {
  let current: Promise<unknown> | undefined;
  let isStopped = false;
  const tick = () => {
    if (current || isStopped) return;
    current = tickSchedules(deps)
      .catch((error: unknown) => console.error("The scheduler's tick failed:", error))
      .finally(() => (current = undefined));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      isStopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
