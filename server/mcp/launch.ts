import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  getDefaultEnvironment,
  StdioClientTransport,
} from "@modelcontextprotocol/sdk/client/stdio.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { withLongLivedGets } from "./long-lived-fetch";

/** How to reach one server: a process to spawn (stdio) or a URL (Streamable HTTP, legacy SSE). */
export type LaunchSpec =
  | {
      transport: "stdio";
      command: string;
      args: string[];
      env: Record<string, string>;
      cwd?: string;
    }
  | {
      transport: "streamable-http" | "sse";
      url: string;
      headers: Record<string, string>;
      /** Credentials added to each request (an OAuth connection's bearer token); see authorizedFetch. */
      authorizer?: RequestAuthorizer;
    };

/**
 * Adds an Authorization header to each HTTP request of a remote server, so tokens that change
 * (refreshed OAuth tokens) never enter the spec or its fingerprint (only `id` does).
 */
export type RequestAuthorizer = {
  readonly id: string;
  /**
   * The header value for the next request, or null to send none. `renew` after the server
   * refused the last one (401): refresh now, or throw (AUTH_REQUIRED) when no sign-in can be had.
   */
  authorization(options: { renew: boolean }): Promise<string | null>;
  /** The server refused even a renewed token: throws AUTH_REQUIRED, saying what to do. */
  refused(): Promise<never>;
};

/** fetch with the authorizer's header; a 401 renews the token once and tries again. */
export function authorizedFetch(
  authorizer: RequestAuthorizer,
  base: typeof fetch = fetch,
): typeof fetch {
  const send = (
    input: string | URL | Request,
    init: RequestInit | undefined,
    value: string | null,
  ) => {
    const headers = new Headers(init?.headers);
    if (value) headers.set("authorization", value);
    return base(input, { ...init, headers });
  };
  return async (input, init) => {
    const first = await send(input, init, await authorizer.authorization({ renew: false }));
    if (first.status !== 401) return first;
    await first.body?.cancel();
    const second = await send(input, init, await authorizer.authorization({ renew: true }));
    if (second.status !== 401) return second;
    await second.body?.cancel();
    return authorizer.refused();
  };
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableStringify(record[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

const fingerprints = new WeakMap<LaunchSpec, string>();

/** Stable text of a spec, to notice that an installation's configuration changed (cached per spec object: this is on every call's path). */
export function fingerprintOf(spec: LaunchSpec): string {
  let fingerprint = fingerprints.get(spec);
  if (fingerprint === undefined) {
    fingerprint = stableStringify(spec);
    fingerprints.set(spec, fingerprint);
  }
  return fingerprint;
}

/** PATH, HOME and the few variables a child needs; never the app's own secrets. */
export function baseChildEnv(): Record<string, string> {
  return getDefaultEnvironment();
}

/**
 * The bin of an npm package installed in this project, run with this Node: no `npx` download and
 * no shell. Undefined when the package is not installed here.
 */
export function resolveLocalPackageBin(
  identifier: string,
  root = process.cwd(),
): { command: string; args: string[] } | undefined {
  const manifest = join(root, "node_modules", identifier, "package.json");
  if (!existsSync(manifest)) return undefined;
  try {
    const pkg = JSON.parse(readFileSync(manifest, "utf8")) as {
      bin?: string | Record<string, string>;
    };
    const bin =
      typeof pkg.bin === "string" ? pkg.bin : pkg.bin ? Object.values(pkg.bin)[0] : undefined;
    return bin
      ? { command: process.execPath, args: [join(root, "node_modules", identifier, bin)] }
      : undefined;
  } catch {
    return undefined;
  }
}

export function createTransport(spec: LaunchSpec): Transport {
  switch (spec.transport) {
    case "stdio":
      return new StdioClientTransport({
        command: spec.command,
        args: spec.args,
        env: spec.env,
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        stderr: "pipe",
      });
    case "streamable-http":
      // The GET stream of the server's own messages may be silent for long (long-lived-fetch.ts).
      return new StreamableHTTPClientTransport(new URL(spec.url), {
        requestInit: { headers: spec.headers },
        fetch: withLongLivedGets(spec.authorizer ? authorizedFetch(spec.authorizer) : undefined),
      });
    case "sse": {
      const send = spec.authorizer ? authorizedFetch(spec.authorizer) : fetch;
      // The session's event stream may be silent for long (long-lived-fetch.ts).
      const stream = withLongLivedGets(send);
      return new SSEClientTransport(new URL(spec.url), {
        requestInit: { headers: spec.headers },
        ...(spec.authorizer ? { fetch: send } : {}),
        eventSourceInit: {
          fetch: (url, init) =>
            stream(url, {
              ...init,
              headers: { ...spec.headers, ...(init?.headers as Record<string, string>) },
            }),
        },
      });
    }
  }
}

/** A short description for the UI: what runs, without secrets. */
export function describeLaunch(spec: LaunchSpec): string {
  if (spec.transport === "stdio") {
    const shown = spec.command === process.execPath ? "node" : spec.command;
    return [shown, ...spec.args].join(" ");
  }
  return `${spec.transport} ${spec.url}`;
}
