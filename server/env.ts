import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

/**
 * The only reader of process.env. Every variable is optional: with none set the app runs on its
 * embedded defaults (PGlite under .data/, in-process queue and rate limits, generated secrets).
 * A variable that is set but malformed stops the start with a message that names it.
 */

/** Treats "" like unset, so `FOO=` in a shell or .env file means "use the default". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

/** How long a run's heartbeat may be silent before another worker takes it over (see server/run-system.ts#runTimings). */
export const DEFAULT_STALE_AFTER_MS = 6_000;

const booleanFlag = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: optional(z.enum(["development", "production", "test"])),
    DATA_DIR: optional(z.string()),
    DATABASE_URL: optional(
      z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }),
    ),
    REDIS_URL: optional(
      z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }),
    ),
    NEXTAUTH_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
    NEXTAUTH_URL: optional(
      z.url({ error: "must be the app's public URL, e.g. http://localhost:3000" }),
    ),
    APP_SECRET_KEY: optional(
      z
        .string()
        .regex(
          /^[0-9a-fA-F]{64}$/,
          "must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`",
        ),
    ),
    APP_SECRET_KEY_PREVIOUS: optional(
      z
        .string()
        .regex(
          /^[0-9a-fA-F]{64}$/,
          "must be 64 hex characters (32 bytes): the key APP_SECRET_KEY replaced",
        ),
    ),
    SEED_DEMO: optional(booleanFlag),
    RUN_CONCURRENCY: optional(z.coerce.number().int().min(1).max(256)),
    RUN_WORKER_IN_APP: optional(booleanFlag),
    RUN_MAX_ACTIVE_PER_TENANT: optional(z.coerce.number().int().min(1).max(100_000)),
    RUN_STALE_AFTER_MS: optional(z.coerce.number().int().min(200).max(3_600_000)),
    /** How long a run's step waits for a person to answer an MCP server's question (elicitation). */
    RUN_ELICITATION_TIMEOUT_MS: optional(z.coerce.number().int().min(100).max(86_400_000)),
    RUN_SHUTDOWN_GRACE_MS: optional(z.coerce.number().int().min(0).max(600_000)),
    ANOMALY_BUCKET_SECONDS: optional(z.coerce.number().int().min(1).max(3600)),
    ANOMALY_EVALUATE_SECONDS: optional(z.coerce.number().int().min(1).max(86_400)),
    ANOMALY_BREAKER_COOLDOWN_SECONDS: optional(z.coerce.number().int().min(1).max(86_400)),
    RUN_QUEUE_NAME: optional(
      z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be letters, digits, - and _ (at most 100)"),
    ),
    RUN_MAX_PER_DAY: optional(z.coerce.number().int().min(1).max(10_000_000)),
    TOKENS_MAX_PER_MONTH: optional(z.coerce.number().int().min(1).max(1_000_000_000_000)),
    RATE_LIMIT_PER_USER: optional(z.coerce.number().int().min(1).max(100_000)),
    RATE_LIMIT_PER_TOKEN: optional(z.coerce.number().int().min(1).max(100_000)),
    MAX_REQUEST_BYTES: optional(
      z.coerce
        .number()
        .int()
        .min(1024)
        .max(100 * 1024 * 1024),
    ),
    SIGNIN_MAX_FAILURES: optional(z.coerce.number().int().min(1).max(1000)),
    SIGNIN_LOCKOUT_SECONDS: optional(z.coerce.number().int().min(1).max(86_400)),
    SIGNIN_MAX_FAILURES_PER_CLIENT: optional(z.coerce.number().int().min(1).max(100_000)),
    OPENAI_API_KEY: optional(z.string()),
    OPENAI_BASE_URL: optional(z.url({ error: "must be a URL, e.g. https://api.openai.com/v1" })),
    ANTHROPIC_API_KEY: optional(z.string()),
    LLM_BASE_URL: optional(
      z.url({
        error: "must be the URL of an OpenAI-compatible API, e.g. http://localhost:11434/v1",
      }),
    ),
    LLM_API_KEY: optional(z.string()),
    LLM_DEFAULT_MODEL: optional(
      z
        .string()
        .regex(
          /^[a-z-]+\/.+$/,
          "must be provider/model, e.g. openai/gpt-4o-mini or local/llama3.1",
        ),
    ),
    MCP_ALLOWED_COMMANDS: optional(
      z
        .string()
        .regex(
          /^[^,\s]+(\s*,\s*[^,\s]+)*$/,
          "must be commands separated by commas, e.g. python3,/opt/bin/my-server",
        ),
    ),
    GITHUB_ID: optional(z.string()),
    GITHUB_SECRET: optional(z.string()),
    GOOGLE_ID: optional(z.string()),
    GOOGLE_SECRET: optional(z.string()),
  })
  .superRefine((value, ctx) => {
    for (const provider of ["GITHUB", "GOOGLE"] as const) {
      const id = value[`${provider}_ID`];
      const secret = value[`${provider}_SECRET`];
      if (Boolean(id) !== Boolean(secret)) {
        ctx.addIssue({
          code: "custom",
          path: [id ? `${provider}_SECRET` : `${provider}_ID`],
          message: `is required when ${id ? `${provider}_ID` : `${provider}_SECRET`} is set`,
        });
      }
    }
  });

export interface Env {
  nodeEnv: "development" | "production" | "test";
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  nextAuthSecret: string | undefined;
  nextAuthUrl: string | undefined;
  appSecretKey: string | undefined;
  /** The key before the last rotation: still decrypts, never encrypts (see SECURITY.md, Key rotation). */
  appSecretKeyPrevious: string | undefined;
  seedDemo: boolean;
  runs: {
    concurrency: number;
    workerInApp: boolean;
    maxActivePerTenant: number;
    /** A running run without a heartbeat for this long is taken over by another worker. */
    staleAfterMs: number;
    /** On SIGTERM, how long running runs may go on before the rest are handed back to other workers. */
    shutdownGraceMs: number;
    /** How long a step waits for a person to answer its tool's question (MCP elicitation). */
    elicitationTimeoutMs: number;
    /** The BullMQ queue on Redis: the app and its `npm run worker` processes must name the same one. */
    queueName: string;
  };
  /** Failed sign-ins allowed per account, and per client address (any accounts), within the lockout window. */
  signIn: { maxFailures: number; maxFailuresPerClient: number; lockoutSeconds: number };
  /** The largest request body the REST API and webhooks read (413 beyond). */
  maxRequestBytes: number;
  /** The anomaly watcher: rollup bucket width, how often it evaluates, how long a breaker stays open before probing. */
  anomaly: { bucketMs: number; evaluateMs: number; breakerCoolDownMs: number };
  /** Platform defaults for tenants that set no limit of their own; null means unlimited. */
  limits: {
    maxRunsPerDay: number | null;
    maxTokensPerMonth: number | null;
    requestsPerMinutePerUser: number;
    requestsPerMinutePerToken: number;
  };
  llm: {
    openai?: { apiKey: string; baseURL?: string };
    anthropic?: { apiKey: string };
    /** Any OpenAI-compatible endpoint (Ollama, vLLM, LM Studio), addressed as `local/<model>`. */
    local?: { baseURL: string; apiKey?: string };
    defaultModel?: string;
  };
  /** Commands other than npx, uvx and docker that MCP servers may be started with (the platform admin's choice). */
  mcp: { allowedCommands: string[] };
  oauth: {
    github?: { clientId: string; clientSecret: string };
    google?: { clientId: string; clientSecret: string };
  };
}

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Validates a set of variables; throws an EnvError naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
    );
  }
  const v = result.data;
  const pair = (id?: string, secret?: string) =>
    id && secret ? { clientId: id, clientSecret: secret } : undefined;
  return {
    nodeEnv: v.NODE_ENV ?? "development",
    dataDir: resolve(/*turbopackIgnore: true*/ v.DATA_DIR ?? ".data"),
    databaseUrl: v.DATABASE_URL,
    redisUrl: v.REDIS_URL,
    nextAuthSecret: v.NEXTAUTH_SECRET,
    nextAuthUrl: v.NEXTAUTH_URL,
    appSecretKey: v.APP_SECRET_KEY?.toLowerCase(),
    appSecretKeyPrevious: v.APP_SECRET_KEY_PREVIOUS?.toLowerCase(),
    seedDemo: v.SEED_DEMO ?? !v.DATABASE_URL,
    maxRequestBytes: v.MAX_REQUEST_BYTES ?? 1024 * 1024,
    runs: {
      concurrency: v.RUN_CONCURRENCY ?? 32,
      workerInApp: v.RUN_WORKER_IN_APP ?? true,
      maxActivePerTenant: v.RUN_MAX_ACTIVE_PER_TENANT ?? 50,
      staleAfterMs: v.RUN_STALE_AFTER_MS ?? DEFAULT_STALE_AFTER_MS,
      shutdownGraceMs: v.RUN_SHUTDOWN_GRACE_MS ?? 10_000,
      elicitationTimeoutMs: v.RUN_ELICITATION_TIMEOUT_MS ?? 10 * 60_000,
      queueName: v.RUN_QUEUE_NAME ?? "runs",
    },
    signIn: {
      maxFailures: v.SIGNIN_MAX_FAILURES ?? 5,
      maxFailuresPerClient: v.SIGNIN_MAX_FAILURES_PER_CLIENT ?? 20,
      lockoutSeconds: v.SIGNIN_LOCKOUT_SECONDS ?? 900,
    },
    anomaly: {
      bucketMs: (v.ANOMALY_BUCKET_SECONDS ?? 60) * 1000,
      evaluateMs: (v.ANOMALY_EVALUATE_SECONDS ?? 60) * 1000,
      breakerCoolDownMs: (v.ANOMALY_BREAKER_COOLDOWN_SECONDS ?? 30) * 1000,
    },
    limits: {
      maxRunsPerDay: v.RUN_MAX_PER_DAY ?? null,
      maxTokensPerMonth: v.TOKENS_MAX_PER_MONTH ?? null,
      requestsPerMinutePerUser: v.RATE_LIMIT_PER_USER ?? 600,
      requestsPerMinutePerToken: v.RATE_LIMIT_PER_TOKEN ?? 120,
    },
    llm: {
      openai: v.OPENAI_API_KEY
        ? { apiKey: v.OPENAI_API_KEY, baseURL: v.OPENAI_BASE_URL }
        : undefined,
      anthropic: v.ANTHROPIC_API_KEY ? { apiKey: v.ANTHROPIC_API_KEY } : undefined,
      local: v.LLM_BASE_URL ? { baseURL: v.LLM_BASE_URL, apiKey: v.LLM_API_KEY } : undefined,
      defaultModel: v.LLM_DEFAULT_MODEL,
    },
    mcp: {
      allowedCommands: (v.MCP_ALLOWED_COMMANDS ?? "")
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    },
    oauth: {
      github: pair(v.GITHUB_ID, v.GITHUB_SECRET),
      google: pair(v.GOOGLE_ID, v.GOOGLE_SECRET),
    },
  };
}

let cached: Env | undefined;
/** The process's configuration, validated on first use. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

interface GeneratedSecrets {
  authSecret: string;
  /** 32 bytes as hex: the AES-256-GCM key for secrets stored in the database. */
  appKey: string;
}

/**
 * Secrets the embedded default generates once into the data directory, so nobody has to invent
 * them to try the app. Set NEXTAUTH_SECRET to override.
 */
export function getGeneratedSecrets(dataDir = getEnv().dataDir): GeneratedSecrets {
  const file = join(dataDir, "secrets.json");
  const existing = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<GeneratedSecrets>)
    : null;
  if (existing?.authSecret && existing.appKey) return existing as GeneratedSecrets;
  mkdirSync(dataDir, { recursive: true });
  // Keep what an older version generated; add what it did not know about.
  const secrets: GeneratedSecrets = {
    authSecret: existing?.authSecret ?? randomBytes(32).toString("base64url"),
    appKey: existing?.appKey ?? randomBytes(32).toString("hex"),
  };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), {
      mode: 0o600,
      flag: existing ? "w" : "wx",
    });
  } catch (error) {
    // Another process wrote it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return getGeneratedSecrets(dataDir);
    throw error;
  }
  return secrets;
}

/**
 * The key that encrypts secrets at rest (MCP credentials, LLM keys): APP_SECRET_KEY, else one
 * generated into the data directory. Losing it makes stored secrets unreadable.
 */
export function getAppSecretKey(): Buffer {
  const env = getEnv();
  return Buffer.from(env.appSecretKey ?? getGeneratedSecrets(env.dataDir).appKey, "hex");
}

export function getAuthSecret(): string {
  const env = getEnv();
  return env.nextAuthSecret ?? getGeneratedSecrets(env.dataDir).authSecret;
}
