import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { baseChildEnv, resolveLocalPackageBin, type LaunchSpec } from "../launch";

/** Launch specs and helper processes for tests and benchmarks: the real servers from npm, nothing faked. */

export function localStdioSpec(
  identifier: string,
  args: string[] = [],
  env: Record<string, string> = {},
): LaunchSpec {
  const bin = resolveLocalPackageBin(identifier);
  if (!bin) throw new Error(`${identifier} is not installed`);
  return {
    transport: "stdio",
    command: bin.command,
    args: [...bin.args, ...args],
    env: { ...baseChildEnv(), ...env },
  };
}

/** The test server whose listing has one tool with a bad schema. */
export function badSchemaServerSpec(): LaunchSpec {
  return {
    transport: "stdio",
    command: process.execPath,
    args: [join(process.cwd(), "server/mcp/testing/bad-schema-server.mjs")],
    env: baseChildEnv(),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

/** Starts `mcp-server-everything` in its HTTP mode ("streamableHttp" or "sse") and waits until it listens. */
export async function startEverythingHttp(
  mode: "streamableHttp" | "sse",
): Promise<{ url: string; process: ChildProcess; stop: () => void }> {
  const bin = resolveLocalPackageBin("@modelcontextprotocol/server-everything");
  if (!bin) throw new Error("@modelcontextprotocol/server-everything is not installed");
  const port = await freePort();
  const child = spawn(bin.command, [...bin.args, mode], {
    env: { ...baseChildEnv(), NODE_ENV: "production", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the everything server did not start in 15 s")),
      15_000,
    );
    const onData = (chunk: Buffer) => {
      if (/listening|running on port/i.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on("data", onData);
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the everything server exited with ${code}`)));
  });
  const path = mode === "sse" ? "/sse" : "/mcp";
  return {
    url: `http://127.0.0.1:${port}${path}`,
    process: child,
    stop: () => void child.kill("SIGKILL"),
  };
}

/** The inspector's test server: structured output that misses its schema, a resource link and an image. */
/** The test server whose tools ask the person behind the call (elicitation, form and URL mode). */
export function elicitServerSpec(): LaunchSpec {
  return {
    transport: "stdio",
    command: process.execPath,
    args: [join(process.cwd(), "server/mcp/testing/elicit-server.mjs")],
    env: baseChildEnv(),
  };
}

export function inspectorServerSpec(): LaunchSpec {
  return {
    transport: "stdio",
    command: process.execPath,
    args: [join(process.cwd(), "server/mcp/testing/inspector-server.mjs")],
    env: baseChildEnv(),
  };
}

/**
 * A 2026-07-28 server over stdio (v2 SDK); `legacy: "serve"` also answers `initialize`;
 * `startDelayMs` makes it read nothing for that long after it starts.
 */
export function modernStdioServerSpec(
  options: { legacy?: "serve"; startDelayMs?: number } = {},
): LaunchSpec {
  return {
    transport: "stdio",
    command: process.execPath,
    args: [
      join(process.cwd(), "server/mcp/testing/modern-stdio-server.mjs"),
      ...(options.legacy ? [`--legacy=${options.legacy}`] : []),
      ...(options.startDelayMs ? [`--start-delay=${options.startDelayMs}`] : []),
    ],
    env: baseChildEnv(),
  };
}
