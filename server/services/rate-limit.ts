import type Redis from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import { AppError } from "@/engine/errors";
import { getRedis } from "@/server/redis";

/**
 * Request rate limits: a fixed window of `windowSeconds` per key, one limiter per (kind, limit),
 * because each tenant may set its own limit. In memory on one process; on Redis when REDIS_URL is
 * set, so all app processes share the counts (with an in-memory stand-in while Redis is down, so
 * an outage of Redis does not refuse every request).
 */
export type RateLimitKind = "user" | "token";

export interface RequestRateLimiter {
  /** Counts one request for `key`; throws AppError RATE_LIMITED once it is past `limit` in the window. */
  consume(kind: RateLimitKind, key: string, limit: number): Promise<void>;
  /** Requests counted for `key` in the current window. */
  used(kind: RateLimitKind, key: string, limit: number): Promise<number>;
}

export function createRequestRateLimiter(
  options: { redis?: Redis | null; windowSeconds?: number; keyPrefix?: string } = {},
): RequestRateLimiter {
  const duration = options.windowSeconds ?? 60;
  const prefix = options.keyPrefix ?? "api-requests";
  const limiters = new Map<string, RateLimiterAbstract>();

  function limiterFor(kind: RateLimitKind, points: number): RateLimiterAbstract {
    const name = `${prefix}:${kind}:${points}`;
    let limiter = limiters.get(name);
    if (!limiter) {
      const config = { points, duration, keyPrefix: name };
      limiter = options.redis
        ? new RateLimiterRedis({
            ...config,
            storeClient: options.redis,
            insuranceLimiter: new RateLimiterMemory(config),
          })
        : new RateLimiterMemory(config);
      limiters.set(name, limiter);
    }
    return limiter;
  }

  return {
    async consume(kind, key, limit) {
      try {
        await limiterFor(kind, limit).consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new AppError(
          "RATE_LIMITED",
          rateLimitMessage(kind, limit, duration, retryAfterSeconds),
          { kind, limit, retryAfterSeconds },
        );
      }
    },
    async used(kind, key, limit) {
      const state = await limiterFor(kind, limit).get(key);
      return Math.min(state?.consumedPoints ?? 0, limit);
    },
  };
}

function rateLimitMessage(
  kind: RateLimitKind,
  limit: number,
  windowSeconds: number,
  retryAfterSeconds: number,
): string {
  const window = windowSeconds === 60 ? "a minute" : `${windowSeconds} seconds`;
  const who = kind === "token" ? "This API token" : "You";
  const whose =
    kind === "token" ? "the tenant's limit per API token" : "the tenant's limit per member";
  return `Too many requests: ${who} made more than ${limit} in ${window} (${whose}). Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`;
}

const globalForLimits = globalThis as unknown as { requestRateLimiter?: RequestRateLimiter };

/** The process's request limiter (one per process, shared by Next's bundles through globalThis). */
export function getRequestRateLimiter(): RequestRateLimiter {
  globalForLimits.requestRateLimiter ??= createRequestRateLimiter({ redis: getRedis() });
  return globalForLimits.requestRateLimiter;
}
