import { z } from "zod";
import type { Db } from "@/db/client";
import type { TenantLimits } from "@/db/schema";
import { AppError, forbidden, notFound } from "@/engine/errors";
import { getEnv } from "@/server/env";
import * as repo from "@/server/repositories/tenant-limits";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { getRequestRateLimiter, type RequestRateLimiter } from "./rate-limit";

/**
 * A tenant's quotas and rate limits: its own values (tenants.limits) or else the platform's
 * defaults (env), checked when a run starts (assertCanStartRun) and on every signed-in request
 * (checkRequestAllowed), with errors that say which limit and what to do.
 */
export const LIMIT_KEYS = [
  "maxConcurrentRuns",
  "maxRunsPerDay",
  "maxTokensPerMonth",
  "requestsPerMinutePerUser",
  "requestsPerMinutePerToken",
] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

/** The highest value a tenant may store for each limit: large, but a number people can read. */
const UPPER_BOUNDS: Record<LimitKey, number> = {
  maxConcurrentRuns: 100_000,
  maxRunsPerDay: 10_000_000,
  maxTokensPerMonth: 1_000_000_000_000,
  requestsPerMinutePerUser: 100_000,
  requestsPerMinutePerToken: 100_000,
};

const limitValue = (key: LimitKey) =>
  z
    .number({ error: "Enter a number, or leave it empty to use the platform default" })
    .int("Enter a whole number")
    .min(1, "Must be at least 1 (leave it empty to use the platform default)")
    .max(UPPER_BOUNDS[key], `At most ${UPPER_BOUNDS[key].toLocaleString("en-US")}`);

/** A tenant's own limits as stored: each key absent (platform default) or a positive whole number. */
export const TenantLimitsSchema = z.strictObject(
  Object.fromEntries(LIMIT_KEYS.map((key) => [key, limitValue(key).optional()])) as Record<
    LimitKey,
    z.ZodOptional<z.ZodNumber>
  >,
);

/** A change: a number sets the limit, null clears it (back to the platform default), absent keeps it. */
export const updateLimitsInput = z.strictObject(
  Object.fromEntries(
    LIMIT_KEYS.map((key) => [key, limitValue(key).nullable().optional()]),
  ) as Record<LimitKey, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>,
);
export type UpdateLimitsInput = z.infer<typeof updateLimitsInput>;

/** The platform's defaults; null means unlimited. */
export type PlatformLimits = Record<LimitKey, number | null>;

export function platformLimits(
  maxConcurrentRuns: number = getEnv().runs.maxActivePerTenant,
): PlatformLimits {
  const { limits } = getEnv();
  return { maxConcurrentRuns, ...limits };
}

/** Each limit as it applies: the tenant's own value, else the platform default (null: unlimited). */
export function effectiveLimits(
  own: TenantLimits,
  platform: PlatformLimits,
): Record<LimitKey, number | null> {
  return Object.fromEntries(LIMIT_KEYS.map((key) => [key, own[key] ?? platform[key]])) as Record<
    LimitKey,
    number | null
  >;
}

export const SUSPENDED_MESSAGE =
  "This tenant is suspended by the platform admin: you can still look at its data, but nothing can be changed or run. Ask the platform admin to lift the suspension.";

const utcDayStart = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
const utcMonthStart = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
const format = (n: number) => n.toLocaleString("en-US");
const RAISE_HINT = "or ask an admin to raise it on Admin → Limits";

async function standingOf(db: Db, tenantId: string) {
  const standing = await repo.findTenantStanding(db, tenantId);
  if (!standing) throw notFound("tenant", tenantId);
  return standing;
}

/**
 * Refuses to start a run when the tenant is suspended or at one of its quotas: runs queued or
 * running at once, runs started per UTC day, LLM tokens per UTC month. The message names the limit
 * and what to do. `platformMaxActive` is the platform default for concurrent runs (RUN_MAX_ACTIVE_PER_TENANT).
 */
export async function assertCanStartRun(
  ctx: TenantContext,
  platformMaxActive: number,
  /** The tenant's standing if the caller has just read it (a run start reads it with the workflow). */
  known?: repo.TenantStanding & { activeRuns: number },
  now = new Date(),
  /** Runs this process started that are not stored yet (held by the run journal): they count too. */
  unstoredRuns = 0,
): Promise<void> {
  const standing = known ?? (await repo.findTenantStandingForStart(ctx.db, ctx.tenant.id));
  if (!standing) throw notFound("tenant", ctx.tenant.id);
  if (standing.suspendedAt) throw forbidden(SUSPENDED_MESSAGE);
  const limits = effectiveLimits(standing.limits, platformLimits(platformMaxActive));
  // Periods without a limit are not summed: a start stays one query however many runs the month holds.
  const hasPeriodLimits = limits.maxRunsPerDay !== null || limits.maxTokensPerMonth !== null;
  const usage = hasPeriodLimits
    ? await repo.measureTenantUsage(ctx.db, ctx.tenant.id, {
        dayStart: limits.maxRunsPerDay === null ? undefined : utcDayStart(now),
        monthStart: limits.maxTokensPerMonth === null ? undefined : utcMonthStart(now),
      })
    : { activeRuns: standing.activeRuns, runsToday: 0, tokensThisMonth: 0 };
  usage.activeRuns += unstoredRuns;
  usage.runsToday += unstoredRuns;
  // Every quota answer says when to come back (HTTP Retry-After), as the rate limits do.
  const exceeded = (limit: LimitKey, used: number, message: string, retryAt: Date) =>
    new AppError("QUOTA_EXCEEDED", message, {
      limit,
      used,
      max: limits[limit],
      retryAfterSeconds: Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000)),
    });

  const maxActive = limits.maxConcurrentRuns;
  if (maxActive !== null && usage.activeRuns >= maxActive) {
    throw exceeded(
      "maxConcurrentRuns",
      usage.activeRuns,
      `This tenant already has ${format(usage.activeRuns)} runs queued or running (the limit is ${format(maxActive)} at once). Wait for some to finish or cancel them, ${RAISE_HINT}.`,
      // Runs mostly finish in seconds; a few seconds is a fair first wait.
      new Date(now.getTime() + 5_000),
    );
  }
  const maxPerDay = limits.maxRunsPerDay;
  if (maxPerDay !== null && usage.runsToday >= maxPerDay) {
    throw exceeded(
      "maxRunsPerDay",
      usage.runsToday,
      `This tenant has started ${format(usage.runsToday)} runs today (the limit is ${format(maxPerDay)} runs per day, UTC). Runs can start again after midnight UTC, ${RAISE_HINT}.`,
      new Date(utcDayStart(now).getTime() + 86_400_000),
    );
  }
  const maxTokens = limits.maxTokensPerMonth;
  if (maxTokens !== null && usage.tokensThisMonth >= maxTokens) {
    throw exceeded(
      "maxTokensPerMonth",
      usage.tokensThisMonth,
      `This tenant has used ${format(usage.tokensThisMonth)} LLM tokens this month (the limit is ${format(maxTokens)} tokens per month, UTC). Runs can start again on the 1st of next month, ${RAISE_HINT}.`,
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
    );
  }
}

/** Who is making a request, as the tRPC context (or another entry point) established it. */
export interface RequestCaller {
  db: Db;
  userId: string;
  tenantId: string | null;
  /** Set for API-token requests: they count against the token's limit, not the member's. */
  apiTokenId: string | null;
  /** The tenant's standing when this request already read it (with its API token); read here otherwise. */
  standing?: repo.TenantStanding;
}

/**
 * Before a signed-in request: counts it against the member's or the API token's rate limit, and
 * refuses a change (`isTenantChange`) in a suspended tenant; reads still work there.
 */
export async function checkRequestAllowed(
  caller: RequestCaller,
  isTenantChange: boolean,
  limiter: RequestRateLimiter = getRequestRateLimiter(),
): Promise<void> {
  const standing = caller.tenantId
    ? (caller.standing ?? (await repo.findTenantStanding(caller.db, caller.tenantId)))
    : undefined;
  const limits = effectiveLimits(standing?.limits ?? {}, platformLimits());
  if (caller.apiTokenId) {
    await limiter.consume("token", caller.apiTokenId, limits.requestsPerMinutePerToken!);
  } else {
    await limiter.consume(
      "user",
      memberKey(caller.tenantId, caller.userId),
      limits.requestsPerMinutePerUser!,
    );
  }
  if (isTenantChange && standing?.suspendedAt) throw forbidden(SUSPENDED_MESSAGE);
}

const memberKey = (tenantId: string | null, userId: string) =>
  `${tenantId ?? "no-tenant"}:${userId}`;

export interface LimitView {
  key: LimitKey;
  /** What applies: the tenant's own value or the platform default; null is unlimited. */
  value: number | null;
  source: "tenant" | "platform";
  own: number | null;
  platformDefault: number | null;
  /** Current use against it: runs now, runs today, tokens this month, the caller's requests this minute; null where it has none. */
  used: number | null;
}

/** The tenant's limits as they apply, where each comes from, and the current use against each. */
export async function getTenantLimits(
  ctx: TenantContext,
  limiter: RequestRateLimiter = getRequestRateLimiter(),
  now = new Date(),
) {
  const standing = await standingOf(ctx.db, ctx.tenant.id);
  const platform = platformLimits();
  const limits = effectiveLimits(standing.limits, platform);
  const usage = await repo.measureTenantUsage(ctx.db, ctx.tenant.id, {
    dayStart: utcDayStart(now),
    monthStart: utcMonthStart(now),
  });
  const used: Record<LimitKey, number | null> = {
    maxConcurrentRuns: usage.activeRuns,
    maxRunsPerDay: usage.runsToday,
    maxTokensPerMonth: usage.tokensThisMonth,
    requestsPerMinutePerUser: await limiter.used(
      "user",
      memberKey(ctx.tenant.id, ctx.actor.userId),
      limits.requestsPerMinutePerUser!,
    ),
    requestsPerMinutePerToken: null,
  };
  return {
    suspendedAt: standing.suspendedAt,
    limits: LIMIT_KEYS.map((key): LimitView => ({
      key,
      value: limits[key],
      source: standing.limits[key] === undefined ? "platform" : "tenant",
      own: standing.limits[key] ?? null,
      platformDefault: platform[key],
      used: used[key],
    })),
  };
}

/**
 * Changes the tenant's own limits (audited with before and after). Raising a limit above the
 * platform default takes a platform admin: otherwise a tenant admin could lift the platform's
 * protection of everyone else.
 */
export async function updateTenantLimits(ctx: TenantContext, input: UpdateLimitsInput) {
  const before = (await standingOf(ctx.db, ctx.tenant.id)).limits;
  const platform = platformLimits();
  const after: TenantLimits = { ...before };
  for (const key of LIMIT_KEYS) {
    const value = input[key];
    if (value === undefined) continue;
    if (value === null) {
      delete after[key];
      continue;
    }
    const ceiling = platform[key];
    const isRaise = ceiling !== null && value > ceiling && value > (before[key] ?? ceiling);
    if (isRaise && (!ctx.actor.isSuperadmin || ctx.meta.apiToken)) {
      throw new AppError(
        "INVALID_INPUT",
        `At most ${format(ceiling)}, the platform default: only a platform admin can set a higher limit.`,
        { field: key },
      );
    }
    after[key] = value;
  }
  const stored = TenantLimitsSchema.parse(after);
  await withAudit(ctx, async (tx) => {
    await repo.updateTenantLimits(tx, ctx.tenant.id, stored);
    return {
      value: null,
      audit: {
        action: "limits.update",
        targetType: "tenant",
        targetId: ctx.tenant.id,
        metadata: { before, after: stored },
      },
    };
  });
  return getTenantLimits(ctx);
}
