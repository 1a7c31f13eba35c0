import { join } from "node:path";
import {
  argumentKey,
  primaryRunner,
  type KeyValueInput,
  type ServerJson,
} from "@/engine/schema/catalog";
import { getEnv } from "@/server/env";
import { commandOf, commandRefusal } from "./custom-server";
import { McpToolError } from "./errors";
import { baseChildEnv, resolveLocalPackageBin, type LaunchSpec } from "./launch";

/** The wrapper that hands a server its arguments from the environment (see the file). */
const ARGV_FROM_ENV = join(process.cwd(), "server/mcp/argv-from-env.mjs");
export const SERVER_ARGS_VARIABLE = "MAESTRO_SERVER_ARGS";

/** An installation's input values: plain ones and decrypted secrets, by input key. */
export type InstallValues = Record<string, string | string[]>;

function valueOf(values: InstallValues, key: string, fallback?: string): string[] {
  const value = values[key];
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const present = list.map((v) => v.trim()).filter(Boolean);
  return present.length > 0 ? present : fallback ? [fallback] : [];
}

function keyValues(
  inputs: KeyValueInput[] | undefined,
  prefix: string,
  values: InstallValues,
  server: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of inputs ?? []) {
    const fixed =
      input.value !== undefined && !/\{[^}]+\}/.test(input.value) ? input.value : undefined;
    const [value] =
      fixed !== undefined ? [fixed] : valueOf(values, `${prefix}:${input.name}`, input.default);
    if (value !== undefined) out[input.name] = value;
    else if (input.isRequired) throw missing(server, input.name);
  }
  return out;
}

const missing = (server: string, input: string) =>
  new McpToolError(
    "CONNECT_FAILED",
    `${server}: the required input "${input}" has no value; edit the installation`,
    { server },
  );

/**
 * How to run a catalog entry with an installation's values. Packages installed in this project
 * run from node_modules with this Node; other npm packages through `npx -y identifier@version`,
 * PyPI ones through `uvx`, OCI images through `docker run`. Throws a CONNECT_FAILED McpToolError
 * that says what is missing or unsupported.
 */
export function buildLaunchSpec(
  entry: ServerJson,
  values: InstallValues,
  server = entry.title ?? entry.name,
  /** For exports: `npx` rather than this machine's node_modules, and only the entry's own variables. */
  options: { portable?: boolean; allowedCommands?: string[] } = {},
): LaunchSpec {
  const runner = primaryRunner(entry);
  const command = runner ? null : commandOf(entry);
  if (command) {
    // Checked at every start, so a command the platform stops allowing stops starting.
    const refusal = options.portable
      ? null
      : commandRefusal(command.command, options.allowedCommands ?? getEnv().mcp.allowedCommands);
    if (refusal) throw new McpToolError("CONNECT_FAILED", `${server}: ${refusal}`, { server });
    return {
      transport: "stdio",
      command: command.command,
      args: command.args,
      env: {
        ...(options.portable ? {} : baseChildEnv()),
        ...keyValues(command.environmentVariables, "env", values, server),
      },
    };
  }
  if (!runner)
    throw new McpToolError(
      "CONNECT_FAILED",
      `${server}: the entry has neither a package nor a remote to run`,
      { server },
    );
  if ("remote" in runner) {
    return {
      transport: runner.remote.type,
      url: runner.remote.url,
      headers: keyValues(runner.remote.headers, "header", values, server),
    };
  }
  const pkg = runner.package;
  // npx, uvx and docker read a leading "-" as their own option (`npx -c <shell>` runs a shell
  // command): a package or image name is never one.
  if (pkg.identifier.startsWith("-") || pkg.version?.startsWith("-")) {
    throw new McpToolError(
      "CONNECT_FAILED",
      `${server}: "${pkg.identifier}" is not a package name (it starts with "-", which the runner would read as an option)`,
      { server },
    );
  }
  if (pkg.transport.type !== "stdio") {
    if (!pkg.transport.url || /\{[^}]+\}/.test(pkg.transport.url)) {
      throw new McpToolError(
        "CONNECT_FAILED",
        `${server}: packages that serve HTTP on a local port are not supported yet; add it as a remote URL`,
        { server },
      );
    }
    return {
      transport: pkg.transport.type,
      url: pkg.transport.url,
      headers: keyValues(pkg.transport.headers, "header", values, server),
    };
  }
  const args: string[] = [];
  let hasSecretArgument = false;
  pkg.packageArguments?.forEach((argument, index) => {
    const fixed =
      argument.value !== undefined && !/\{[^}]+\}/.test(argument.value)
        ? argument.value
        : undefined;
    const given =
      fixed !== undefined
        ? [fixed]
        : valueOf(values, argumentKey(argument, index), argument.default);
    if (given.length === 0) {
      if (argument.isRequired)
        throw missing(
          server,
          argument.type === "named"
            ? argument.name
            : (argument.valueHint ?? `argument ${index + 1}`),
        );
      return;
    }
    const list = argument.isRepeated ? given : given.slice(0, 1);
    if (argument.isSecret && fixed === undefined) hasSecretArgument = true;
    for (const value of list)
      args.push(...(argument.type === "named" ? [argument.name, value] : [value]));
  });
  const env = {
    ...(options.portable ? {} : baseChildEnv()),
    ...keyValues(pkg.environmentVariables, "env", values, server),
  };

  // A secret never goes on the command line, which every user of the host can read (`ps`).
  const secretArgs = hasSecretArgument && !options.portable;
  if (secretArgs && pkg.registryType !== "npm") {
    throw new McpToolError(
      "CONNECT_FAILED",
      `${server}: this server takes a secret as a command-line argument, where every user of the host could read it; only npm packages can be given it through the environment instead`,
      { server },
    );
  }

  switch (pkg.registryType) {
    case "npm": {
      const local = options.portable ? undefined : resolveLocalPackageBin(pkg.identifier);
      const id = pkg.version ? `${pkg.identifier}@${pkg.version}` : pkg.identifier;
      if (secretArgs) {
        const through = { ...env, [SERVER_ARGS_VARIABLE]: JSON.stringify(args) };
        if (local)
          return {
            transport: "stdio",
            command: process.execPath,
            args: [ARGV_FROM_ENV, ...local.args.slice(-1)],
            env: through,
          };
        return {
          transport: "stdio",
          command: "npx",
          args: [
            "-y",
            "--package",
            id,
            "--",
            process.execPath,
            ARGV_FROM_ENV,
            "--package",
            pkg.identifier,
          ],
          env: through,
        };
      }
      if (local)
        return { transport: "stdio", command: local.command, args: [...local.args, ...args], env };
      return { transport: "stdio", command: "npx", args: ["-y", id, ...args], env };
    }
    case "pypi": {
      const id = pkg.version ? `${pkg.identifier}==${pkg.version}` : pkg.identifier;
      return { transport: "stdio", command: pkg.runtimeHint ?? "uvx", args: [id, ...args], env };
    }
    case "oci": {
      const image = pkg.version ? `${pkg.identifier}:${pkg.version}` : pkg.identifier;
      const envArgs = Object.keys(
        keyValues(pkg.environmentVariables, "env", values, server),
      ).flatMap((name) => ["-e", name]);
      return {
        transport: "stdio",
        command: "docker",
        args: ["run", "-i", "--rm", ...envArgs, image, ...args],
        env,
      };
    }
    default:
      throw new McpToolError(
        "CONNECT_FAILED",
        `${server}: ${pkg.registryType} packages cannot be run here`,
        { server },
      );
  }
}
