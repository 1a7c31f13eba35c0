import { z } from "zod";
import { isMcpToolError } from "./errors";
import {
  exchange,
  LEGACY_PROTOCOL_VERSIONS,
  MODERN_ERROR_CODES,
  MODERN_PROTOCOL_VERSION,
  type ModernEndpoint,
} from "./modern-http";

/**
 * Which protocol era a server speaks, found the way the specification's Streamable HTTP binding
 * says (basic/transports/streamable-http, "Backward Compatibility"): send `server/discover` at
 * 2026-07-28; a discover result, or a recognized modern error, means a modern server; any other
 * answer (a 400 "not initialized", 404, 405, method not found) means a legacy one, which gets the
 * `initialize` handshake. Over stdio the same probe goes over the process's pipes
 * (modern-stdio.ts), where a JSON-RPC error or no answer in time means a legacy server. The verdict is a property of the server, so it is cached per launch
 * spec (one installation's configuration) and reused by its later connections.
 */

export type DiscoverInfo = {
  supportedVersions: string[];
  capabilities: Record<string, unknown>;
  serverInfo: { name: string; version: string } | null;
  instructions?: string;
};

export type EraVerdict =
  | { era: "modern"; version: string; discover: DiscoverInfo }
  | { era: "legacy"; reason: string; /** The probe got no answer at all. */ unreachable?: true };

const discoverResult = z.object({
  supportedVersions: z.array(z.string().max(50)).max(50),
  capabilities: z.record(z.string(), z.unknown()).default({}),
  instructions: z.string().max(20_000).optional(),
  _meta: z
    .object({
      "io.modelcontextprotocol/serverInfo": z
        .object({ name: z.string().max(500), version: z.string().max(100) })
        .optional(),
    })
    .optional(),
});

export function readDiscoverResult(result: unknown): DiscoverInfo | null {
  const parsed = discoverResult.safeParse(result);
  if (!parsed.success) return null;
  const info = parsed.data._meta?.["io.modelcontextprotocol/serverInfo"];
  return {
    supportedVersions: parsed.data.supportedVersions,
    capabilities: parsed.data.capabilities,
    serverInfo: info ? { name: info.name, version: info.version } : null,
    ...(parsed.data.instructions ? { instructions: parsed.data.instructions } : {}),
  };
}

/** Thrown when the server is modern but shares no revision with us, or refused our probe as malformed. */
export class EraNegotiationError extends Error {
  override name = "EraNegotiationError";
}

export async function probeEra(
  endpoint: ModernEndpoint,
  options: { timeoutMs: number; signal?: AbortSignal },
): Promise<EraVerdict> {
  let answer: Awaited<ReturnType<typeof exchange>>;
  try {
    answer = await exchange(endpoint, "server/discover", {}, options);
  } catch (error) {
    // A cancel, or a sign-in that is needed (AUTH_REQUIRED), is an answer for the caller as it is.
    if (options.signal?.aborted || isMcpToolError(error)) throw error;
    // Unreachable or silent: the legacy connect that follows reports why, in the usual words.
    return {
      era: "legacy",
      reason: error instanceof Error ? error.message : String(error),
      unreachable: true,
    };
  }
  const { status, message } = answer;
  const discover = message?.result ? readDiscoverResult(message.result) : null;
  if (discover) {
    if (discover.supportedVersions.includes(MODERN_PROTOCOL_VERSION))
      return { era: "modern", version: MODERN_PROTOCOL_VERSION, discover };
    return { era: "legacy", reason: `it offers ${discover.supportedVersions.join(", ")}` };
  }
  const error = message?.error;
  if (error && MODERN_ERROR_CODES.has(error.code)) {
    const supported = (error.data as { supported?: unknown } | undefined)?.supported;
    const offered = Array.isArray(supported)
      ? supported.filter((v): v is string => typeof v === "string")
      : [];
    // A dual-era server that does not serve 2026-07-28 to us still answers initialize.
    if (error.code === -32022 && offered.some((v) => LEGACY_PROTOCOL_VERSIONS.includes(v)))
      return { era: "legacy", reason: `it offers ${offered.join(", ")}` };
    throw new EraNegotiationError(
      error.code === -32022
        ? `the server speaks only protocol revisions we do not (${offered.join(", ") || "none named"}); this client speaks ${MODERN_PROTOCOL_VERSION} and ${LEGACY_PROTOCOL_VERSIONS.join(", ")}`
        : `the server refused the protocol probe: ${error.message}`,
    );
  }
  // Over stdio (modern-stdio.ts) the answer is a JSON-RPC error such as "method not found".
  if (error && endpoint.channel)
    return { era: "legacy", reason: `server/discover answered ${error.code} ${error.message}` };
  return { era: "legacy", reason: `server/discover answered HTTP ${status}` };
}

const LEGACY_VERDICT_TTL_MS = 60 * 60_000;
const MAX_CACHED = 1_000;
const verdicts = new Map<string, { verdict: EraVerdict; at: number }>();

/**
 * The cached verdict for a launch spec's fingerprint. A legacy verdict is kept an hour only: an
 * upgraded server still answers `initialize`, so without a limit it would never be found modern.
 */
export function cachedEra(key: string): EraVerdict | null {
  const hit = verdicts.get(key);
  if (!hit) return null;
  if (hit.verdict.era === "legacy" && Date.now() - hit.at > LEGACY_VERDICT_TTL_MS) {
    verdicts.delete(key);
    return null;
  }
  return hit.verdict;
}

export function rememberEra(key: string, verdict: EraVerdict): void {
  verdicts.delete(key);
  verdicts.set(key, { verdict, at: Date.now() });
  if (verdicts.size > MAX_CACHED) {
    const oldest = verdicts.keys().next().value;
    if (oldest !== undefined) verdicts.delete(oldest);
  }
}

export function forgetEra(key: string): void {
  verdicts.delete(key);
}
