import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ElicitHandler } from "./elicitation";
import { answerElicitations, ELICITATION_CAPABILITIES } from "./elicitation-client";
import { createTransport, type LaunchSpec } from "./launch";
import { openModernSession, type ModernSession } from "./modern-session";
import { negotiateStdio, STDIO_PROBE_TIMEOUT_MS, type StdioEra } from "./modern-stdio";

/**
 * How a connection finds the protocol revision its server speaks and opens a session in it (the
 * negotiation half of connection.ts, which keeps the session's life: calls, listings, close).
 * A Streamable HTTP server is probed with `server/discover` first (modern-session.ts); a 2026-07-28
 * one needs nothing opened. Anything else gets a transport: a stdio process is asked its era on
 * its own pipes (modern-stdio.ts) and kept as a modern session when it answers 2026-07-28, and
 * the rest get the 2025 `initialize` handshake through the SDK's Client. When that handshake
 * fails on a process whose probe had no answer in time, the probe's late answer may still say the
 * server is a 2026-07-28 one that was slow to start: the same process is then kept as such.
 */

export type ConnectionOptions = {
  connectTimeoutMs: number;
  /** How long a start waits for npx to install the server's package (the install goes on after). */
  npxInstallWaitMs?: number;
  /** How the session reaches its server; tests pass linked in-memory transports. */
  createTransport?: (spec: LaunchSpec) => Transport;
  /** Who answers a server's questions during a call (either revision's form). */
  elicit?: ElicitHandler;
};

export type OpenHooks = {
  signal: AbortSignal | undefined;
  /** The transport as soon as it exists (the caller closes it if the opening fails). */
  onTransport: (transport: Transport) => void;
  onStderr: (text: string) => void;
  /** The revision `initialize` agreed. */
  onLegacyVersion: (version: string) => void;
  /** The session ended without our asking (process exit, connection lost). */
  onClosed: () => void;
  /** A 2025 server said its tool list changed. */
  onToolsChanged: () => void;
};

export type OpenedSession =
  { era: "modern"; session: ModernSession } | { era: "legacy"; client: Client };

export async function openSession(
  name: string,
  spec: LaunchSpec,
  options: ConnectionOptions,
  hooks: OpenHooks,
): Promise<OpenedSession> {
  if (!options.createTransport) {
    const session = await openModernSession(name, spec, {
      connectTimeoutMs: options.connectTimeoutMs,
      ...(options.elicit ? { elicit: options.elicit } : {}),
      signal: hooks.signal,
    });
    if (session) return { era: "modern", session };
  }
  const transport = (options.createTransport ?? createTransport)(spec);
  hooks.onTransport(transport);
  if (spec.transport === "stdio")
    (transport as StdioClientTransport).stderr?.on("data", (chunk: Buffer) =>
      hooks.onStderr(chunk.toString()),
    );
  const era: StdioEra =
    spec.transport === "stdio" && !options.createTransport
      ? await negotiateStdio(name, spec, transport as StdioClientTransport, {
          ...(options.elicit ? { elicit: options.elicit } : {}),
          signal: hooks.signal,
          probeTimeoutMs: Math.min(STDIO_PROBE_TIMEOUT_MS, options.connectTimeoutMs),
          lateAnswerMs: options.connectTimeoutMs,
        })
      : { era: "legacy", transport, lateModern: async () => null };
  if (era.era === "modern") {
    era.channel.onClose = hooks.onClosed;
    return { era: "modern", session: era.session };
  }
  try {
    return { era: "legacy", client: await initialize(era.transport, options, hooks) };
  } catch (error) {
    const late = await era.lateModern();
    if (!late) throw error;
    late.channel.onClose = hooks.onClosed;
    return { era: "modern", session: late.session };
  }
}

/** The 2025-era handshake through the SDK's Client. */
async function initialize(
  transport: Transport,
  options: ConnectionOptions,
  hooks: OpenHooks,
): Promise<Client> {
  // The SDK hands the version `initialize` agreed to transports that want it; keep it too.
  const setVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version: string) => {
    hooks.onLegacyVersion(version);
    setVersion?.(version);
  };
  const client = new Client(
    { name: "maestro", version: "0.1.0" },
    { capabilities: options.elicit ? ELICITATION_CAPABILITIES : {} },
  );
  client.onerror = () => {}; // transport errors surface as failed requests or as onclose
  client.onclose = hooks.onClosed;
  client.setNotificationHandler(ToolListChangedNotificationSchema, hooks.onToolsChanged);
  if (options.elicit) answerElicitations(client, options.elicit);
  await client.connect(transport, {
    timeout: options.connectTimeoutMs,
    ...(hooks.signal ? { signal: hooks.signal } : {}),
  });
  return client;
}
