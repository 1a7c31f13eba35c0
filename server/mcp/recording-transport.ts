import type {
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage, MessageExtraInfo } from "@modelcontextprotocol/sdk/types.js";

/** Which way a JSON-RPC message went: "out" from us to the server, "in" from the server. */
export type MessageDirection = "out" | "in";

/**
 * A transport that hands every JSON-RPC message, both ways, to `record` before passing it on:
 * the inspector's raw history. The SDK's Client sets the handlers of the transport it is given and
 * calls start, send and close, so wrapping is all it takes; the wrapped transport is unaware.
 */
export class RecordingTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    private readonly record: (direction: MessageDirection, message: JSONRPCMessage) => void,
  ) {
    inner.onmessage = (message, extra) => {
      this.record("in", message);
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  get sessionId() {
    return this.inner.sessionId;
  }

  start() {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions) {
    this.record("out", message);
    return this.inner.send(message, options);
  }

  close() {
    return this.inner.close();
  }

  setProtocolVersion(version: string) {
    this.inner.setProtocolVersion?.(version);
  }
}
