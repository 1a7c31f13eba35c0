import type Redis from "ioredis";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

/**
 * Counts failed sign-ins per account. After `maxFailures` within `windowSeconds` the account is
 * locked for the rest of the window, whoever tries: a guesser is slowed to a few tries per window.
 * In memory on one process; in Redis when REDIS_URL is set, so all app processes share the count.
 */
export interface FailureLimiter {
  /** Seconds until the key may try again; 0 when it may try now. */
  retryAfter(key: string): Promise<number>;
  recordFailure(key: string): Promise<void>;
  reset(key: string): Promise<void>;
}

export function createFailureLimiter(options: {
  maxFailures: number;
  windowSeconds: number;
  redis?: Redis | null;
  keyPrefix?: string;
}): FailureLimiter {
  const config = {
    points: options.maxFailures,
    duration: options.windowSeconds,
    keyPrefix: options.keyPrefix ?? "signin-failures",
  };
  const limiter: RateLimiterAbstract = options.redis
    ? new RateLimiterRedis({ ...config, storeClient: options.redis })
    : new RateLimiterMemory(config);

  return {
    async retryAfter(key) {
      const state = await limiter.get(key);
      if (!state || state.consumedPoints < options.maxFailures) return 0;
      return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    },
    async recordFailure(key) {
      await limiter.penalty(key, 1);
    },
    async reset(key) {
      await limiter.delete(key);
    },
  };
}
