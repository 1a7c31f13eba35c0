import type { Db } from "@/db/client";
import type { LlmPort } from "@/engine/runtime/ports";
import type { Env } from "@/server/env";
import { listLlmSettings, type LlmSettingsRow } from "@/server/repositories/llm-settings";
import { decryptSecret } from "@/server/secrets";
import { createAiSdkLlmPort } from "./llm-port";
import { withTenantPrices } from "./prices";
import { createModelResolver } from "./providers";
import {
  createTenantModelResolver,
  MODEL_PREFIX,
  type TenantProviderSettings,
} from "./tenant-providers";

const PROVIDER_LABEL = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  "openai-compatible": "OpenAI-compatible",
} as const;

/** Stored settings → what the resolver needs, decrypting each key (a key that cannot be read is reported on use). */
export function toTenantProviderSettings(
  row: LlmSettingsRow,
  decrypt: (stored: string) => string = decryptSecret,
): TenantProviderSettings {
  const settings: TenantProviderSettings = {
    provider: row.provider,
    baseUrl: row.baseUrl,
    defaultModel: row.defaultModel,
    apiKey: null,
  };
  if (!row.apiKeyEncrypted) return settings;
  try {
    return { ...settings, apiKey: decrypt(row.apiKeyEncrypted) };
  } catch {
    return {
      ...settings,
      keyError: `The tenant's ${PROVIDER_LABEL[row.provider]} API key cannot be read (the app's secret key changed); enter it again under Admin → LLM providers.`,
    };
  }
}

/** Everything that decides which models a tenant gets: when any of it changes, the cached port is rebuilt. */
const fingerprintOf = (rows: LlmSettingsRow[]) =>
  JSON.stringify(
    rows.map((r) => [
      r.provider,
      r.baseUrl,
      r.defaultModel,
      r.apiKeyEncrypted,
      r.prices,
      r.updatedAt.getTime(),
    ]),
  );

/**
 * The LLM port of each tenant: its own provider settings first (its keys, URLs, default model and
 * the model prices its admin set), the platform's (env) after. Each call reads the tenant's settings rows (a few tiny rows) and
 * reuses the port built for them until they change, so a key saved in one process is used by the
 * workers of every other at their next model call.
 *
 * @example createRunSystem({ db, llm: createTenantLlmPorts({ db, platform: env.llm }) })
 */
export function createTenantLlmPorts(options: {
  db: Db;
  platform: Env["llm"];
  maxRetries?: number;
}): (tenantId: string) => LlmPort {
  const platformResolver = createModelResolver(options.platform);
  const platformPort = createAiSdkLlmPort({
    resolveModel: platformResolver,
    maxRetries: options.maxRetries,
  });
  const built = new Map<string, { fingerprint: string; port: LlmPort }>();
  const ports = new Map<string, LlmPort>();

  async function portOf(tenantId: string): Promise<LlmPort> {
    const rows = await listLlmSettings(options.db, tenantId);
    if (rows.length === 0) {
      built.delete(tenantId);
      return platformPort;
    }
    const fingerprint = fingerprintOf(rows);
    const cached = built.get(tenantId);
    if (cached?.fingerprint === fingerprint) return cached.port;
    const resolveModel = createTenantModelResolver(
      rows.map((row) => toTenantProviderSettings(row)),
      platformResolver,
    );
    const prices = withTenantPrices(
      rows.map((row) => ({ modelPrefix: MODEL_PREFIX[row.provider], prices: row.prices })),
    );
    const port = createAiSdkLlmPort({ resolveModel, maxRetries: options.maxRetries, prices });
    built.set(tenantId, { fingerprint, port });
    return port;
  }

  return (tenantId) => {
    let port = ports.get(tenantId);
    if (!port) {
      port = { generate: async (request) => (await portOf(tenantId)).generate(request) };
      ports.set(tenantId, port);
    }
    return port;
  };
}
