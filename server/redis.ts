import Redis from "ioredis";
import { getEnv } from "./env";

const globalForRedis = globalThis as unknown as { appRedis?: Redis };

/** The process's shared Redis connection, or null on the embedded default (no REDIS_URL). */
export function getRedis(): Redis | null {
  const { redisUrl } = getEnv();
  if (!redisUrl) return null;
  globalForRedis.appRedis ??= new Redis(redisUrl, { maxRetriesPerRequest: 2, lazyConnect: false });
  return globalForRedis.appRedis;
}
