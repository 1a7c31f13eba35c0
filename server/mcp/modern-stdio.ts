import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { ElicitHandler } from "./elicitation";
import { fingerprintOf, type LaunchSpec } from "./launch";
import type { ModernEndpoint } from "./modern-http";
import { ModernSession } from "./modern-session";
import { ModernClientTransport } from "./modern-transport";
import { probeEra, rememberEra, type EraVerdict } from "./protocol-era";
import { StdioChannel, type LegacyPipes } from "./stdio-channel";

/**
 * The era negotiation of a stdio server (the specification's stdio binding, "Backward
 * Compatibility"): on the started process, send `server/discover` at 2026-07-28 (the same envelope
 * as over HTTP, modern-http.ts#exchange, through a StdioChannel over the process's pipes); a
 * discover result offering 2026-07-28 keeps the process as a modern session. Any other answer (a
 * "method not found" error from a 2025 server), or none within STDIO_PROBE_TIMEOUT_MS (a server
 * that ignores unknown requests), falls back to `initialize` ON THE SAME PROCESS: the pipes are
 * handed to the SDK's Client through `legacyTransport()`.
 *
 * A probe without an answer in time is not given up: it stays open for the connect timeout, since
 * a 2026-07-28 server that takes longer to start answers it late, and refuses the `initialize`
 * that followed. When `initialize` fails, `lateModern()` waits for that late answer and, when it
 * is a 2026-07-28 one, hands the same process back as a modern session. A 2025 server pays nothing
 * for this: its `initialize` succeeds as before, and the probe is then forgotten.
 * The verdict is remembered per launch spec like the HTTP one (protocol-era.ts); it is not used to
 * skip the probe, which costs one round trip on a process we start anyway.
 */

/** How long a stdio server has to answer `server/discover` before it is given `initialize`. */
export const STDIO_PROBE_TIMEOUT_MS = 5_000;

/** How long the probe stays open for a late answer when the caller does not say. */
const LATE_ANSWER_MS = 30_000;

export type ModernStdio = {
  session: ModernSession;
  channel: StdioChannel;
  endpoint: ModernEndpoint;
};

export type StdioEra =
  | ({ era: "modern" } & ModernStdio)
  | {
      era: "legacy";
      transport: Transport;
      /** After a failed `initialize`: the process as a modern session when the probe's late answer says it is one, else null. */
      lateModern: () => Promise<ModernStdio | null>;
    };

/**
 * Starts the stdio transport and asks the process its era. A process that ends during the probe
 * is not judged (nothing is remembered): the legacy connect that follows reports why it ended.
 */
export async function negotiateStdio(
  name: string,
  spec: Extract<LaunchSpec, { transport: "stdio" }>,
  transport: StdioClientTransport,
  options: {
    elicit?: ElicitHandler;
    signal?: AbortSignal | undefined;
    probeTimeoutMs?: number;
    /** How long the probe stays open for a late answer (the connection's own connect timeout). */
    lateAnswerMs?: number;
  },
): Promise<StdioEra> {
  const channel = new StdioChannel(transport);
  await transport.start();
  const endpoint: ModernEndpoint = {
    url: "stdio:",
    headers: {},
    fetch,
    channel,
    capabilities: options.elicit ? { elicitation: { form: {}, url: {} } } : {},
  };
  const probeTimeoutMs = options.probeTimeoutMs ?? STDIO_PROBE_TIMEOUT_MS;
  const probe = probeEra(endpoint, {
    timeoutMs: Math.max(probeTimeoutMs, options.lateAnswerMs ?? LATE_ANSWER_MS),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const verdict = await Promise.race([
    probe,
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), probeTimeoutMs))),
  ]).finally(() => clearTimeout(timer));
  const judged = (v: EraVerdict): ModernStdio | null => {
    if (!(v.era === "legacy" && v.unreachable) && !channel.isClosed)
      rememberEra(fingerprintOf(spec), v);
    if (v.era !== "modern") return null;
    return {
      channel,
      endpoint,
      session: new ModernSession(name, endpoint, v.discover, v.version, options.elicit),
    };
  };
  if (verdict) {
    const modern = judged(verdict);
    if (modern) return { era: "modern", ...modern };
    return { era: "legacy", transport: channel.legacyTransport(), lateModern: async () => null };
  }
  // No answer yet: `initialize` next, the probe still open behind it.
  const late = probe.catch(() => null);
  const pipes: LegacyPipes = channel.legacyTransport({ undecided: true });
  return {
    era: "legacy",
    transport: pipes,
    lateModern: async () => {
      const answer = await late;
      const modern = answer && !channel.isClosed ? judged(answer) : null;
      if (modern) channel.attach();
      else pipes.decide();
      return modern;
    },
  };
}

/**
 * For a client of our SDK (the inspector session): the started stdio process as a transport that
 * speaks the era the process answered, a ModernClientTransport over its pipes for a 2026-07-28
 * server (closing it ends the process), else the same pipes for `initialize`.
 */
export async function openStdioForClient(
  name: string,
  spec: Extract<LaunchSpec, { transport: "stdio" }>,
  transport: StdioClientTransport,
  options: { probeTimeoutMs?: number; lateAnswerMs?: number } = {},
): Promise<{
  transport: Transport;
  protocolVersion: string | null;
  /** After a failed `initialize`: the process as a 2026-07-28 transport when the probe's late answer says so. */
  lateModern: () => Promise<{ transport: Transport; protocolVersion: string } | null>;
}> {
  const era = await negotiateStdio(name, spec, transport, options);
  if (era.era === "legacy")
    return {
      transport: era.transport,
      protocolVersion: null,
      lateModern: async () => {
        const late = await era.lateModern();
        return late ? clientTransportOf(late, transport) : null;
      },
    };
  return { ...clientTransportOf(era, transport), lateModern: async () => null };
}

function clientTransportOf(
  era: ModernStdio,
  transport: StdioClientTransport,
): { transport: Transport; protocolVersion: string } {
  const modern = new ModernClientTransport(
    era.endpoint,
    era.session.discover,
    era.session.protocolVersion,
  );
  const closeModern = modern.close.bind(modern);
  modern.close = async () => {
    await closeModern();
    await transport.close();
  };
  era.channel.onClose = () => void modern.close();
  return { transport: modern, protocolVersion: era.session.protocolVersion };
}
