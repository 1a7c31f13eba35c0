import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  LoggingMessageNotificationSchema,
  PromptListChangedNotificationSchema,
  ResourceListChangedNotificationSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { ElicitHandler } from "./elicitation";
import { answerElicitations, ELICITATION_CAPABILITIES } from "./elicitation-client";
import type { InspectorEventBody } from "./inspector-events";
import { createTransport, type LaunchSpec } from "./launch";
import { openStdioForClient, STDIO_PROBE_TIMEOUT_MS } from "./modern-stdio";
import { openModernTransport } from "./modern-transport";

/**
 * How an inspector session (inspector-session.ts) connects: the wire its client talks over, found
 * as the pool's connections find theirs (connection-open.ts): a Streamable HTTP server is probed
 * with `server/discover` first and a stdio process is asked its era on its own pipes, a 2026-07-28
 * server getting a transport that answers the client's `initialize` itself; and the client that
 * attaches to that wire, answering the server's questions and turning its notifications into the
 * session's events. The session keeps the rest: recording, the attach and its failures, requests.
 */

export type SessionOptions = {
  connectTimeoutMs?: number;
  /** How the session reaches its server: as the pool does (OAuth included) unless given. */
  createTransport?: (spec: LaunchSpec) => Transport;
};

export type InspectorWire = {
  /** What the client connects to: the server's own transport, or a 2026-07-28 one over it. */
  transport: Transport;
  /** The revision a 2026-07-28 server answered (its `initialize` is answered by the transport). */
  protocolVersion: string | null;
  /** After a failed `initialize`: the same process as 2026-07-28, when the probe's late answer says so. */
  lateModern: () => Promise<{ transport: Transport; protocolVersion: string } | null>;
};

const noLateAnswer = async () => null;

/**
 * Opens the server's transport and finds the wire in the revision it speaks. `onTransport` gets
 * the server's own transport as soon as it exists (the session ends its process if what follows
 * fails); errors are thrown as they come, for the session to word.
 */
export async function openInspectorWire(
  name: string,
  spec: LaunchSpec,
  options: SessionOptions,
  hooks: { onTransport: (transport: Transport) => void; onStderr: (text: string) => void },
): Promise<InspectorWire> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const modern = options.createTransport
    ? null
    : await openModernTransport(spec, { connectTimeoutMs });
  const transport = modern ?? (options.createTransport ?? createTransport)(spec);
  hooks.onTransport(transport);
  if (spec.transport !== "stdio")
    return {
      transport,
      protocolVersion: modern?.protocolVersion ?? null,
      lateModern: noLateAnswer,
    };
  const stdio = transport as StdioClientTransport;
  stdio.stderr?.on("data", (chunk: Buffer) => hooks.onStderr(chunk.toString()));
  if (options.createTransport)
    return { transport, protocolVersion: null, lateModern: noLateAnswer };
  return openStdioForClient(name, spec, stdio, {
    probeTimeoutMs: Math.min(STDIO_PROBE_TIMEOUT_MS, connectTimeoutMs),
    lateAnswerMs: connectTimeoutMs,
  });
}

/**
 * The session's client, before it connects: it can answer questions (`ask`) and hands the
 * server's log messages, resource updates and list changes to `onEvent`.
 */
export function createInspectorClient(hooks: {
  ask: ElicitHandler;
  onEvent: (event: InspectorEventBody) => void;
  onToolsChanged: () => void;
}): Client {
  const client = new Client(
    { name: "maestro-inspector", version: "0.1.0" },
    { capabilities: { ...ELICITATION_CAPABILITIES } },
  );
  answerElicitations(client, hooks.ask);
  client.onerror = () => {};
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    hooks.onEvent({
      type: "log",
      level: n.params.level,
      logger: n.params.logger ?? null,
      data: n.params.data,
    });
  });
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    hooks.onEvent({ type: "resource-updated", uri: n.params.uri });
  });
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    hooks.onToolsChanged();
    hooks.onEvent({ type: "list-changed", list: "tools" });
  });
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    hooks.onEvent({ type: "list-changed", list: "resources" });
  });
  client.setNotificationHandler(PromptListChangedNotificationSchema, () => {
    hooks.onEvent({ type: "list-changed", list: "prompts" });
  });
  return client;
}
