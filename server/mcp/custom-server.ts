import { z } from "zod";
import {
  installInputsOf,
  KeyValueInputSchema,
  primaryRunner,
  SERVER_JSON_SCHEMA_URL,
  type InstallInput,
  type KeyValueInput,
  type ServerJson,
} from "@/engine/schema/catalog";
import { parseDockerRun } from "./docker-run";
import type { InstallValues } from "./launch-spec";

/**
 * Servers added by hand (the Add server form): an npm package, a command, or a URL, written as a
 * `server.json` so they install, check, export and import like any catalog entry. A command
 * that is not npx, uvx or docker has no place in the official shape: it is kept under
 * `_meta["io.maestro/command"]`, and runs only where the platform admin allowed it
 * (MCP_ALLOWED_COMMANDS).
 */

export const RUNNER_COMMANDS = ["npx", "uvx", "docker"] as const;
export const COMMAND_META_KEY = "io.maestro/command";
/** The namespace of entries added by hand; the installation's name follows the slash. */
export const ADDED_NAMESPACE = "local.added";

const CommandMetaSchema = z.object({
  command: z.string().min(1).max(500),
  args: z.array(z.string().max(4000)).max(100).default([]),
  environmentVariables: z.array(KeyValueInputSchema).max(100).default([]),
});
export type CommandMeta = z.infer<typeof CommandMetaSchema>;

/** An entry's own command, when it has neither a package nor a remote. */
export function commandOf(entry: ServerJson): CommandMeta | null {
  if (primaryRunner(entry)) return null;
  const parsed = CommandMetaSchema.safeParse(entry._meta?.[COMMAND_META_KEY]);
  return parsed.success ? parsed.data : null;
}

/** npx, uvx and docker, by name or path: they become npm, PyPI and OCI packages. */
export function isRunnerCommand(command: string): boolean {
  return RUNNER_COMMANDS.some((runner) => command === runner || command.endsWith(`/${runner}`));
}

/**
 * Why `command` may not start a server, or null when it may: npx, uvx and docker always; any
 * other only when named exactly in the platform's allow-list.
 */
export function commandRefusal(command: string, allowedCommands: string[]): string | null {
  if (isRunnerCommand(command) || allowedCommands.includes(command)) return null;
  return `"${command}" is not an allowed command: servers start through npx, uvx or docker. A platform admin can allow it by adding ${command} to MCP_ALLOWED_COMMANDS (commands separated by commas) in the app's environment and restarting the app`;
}

const needsValue = (input: { value?: string }) =>
  input.value === undefined || /\{[^}]+\}/.test(input.value);

/** The install form's fields of any entry: the engine's for packages and remotes, the environment of a command. */
export function entryInputsOf(entry: ServerJson): InstallInput[] {
  const command = commandOf(entry);
  if (!command) return installInputsOf(entry);
  return command.environmentVariables.filter(needsValue).map((variable) => ({
    key: `env:${variable.name}`,
    label: variable.name,
    kind: "env",
    isRepeated: false,
    description: variable.description ?? "",
    isRequired: variable.isRequired ?? false,
    isSecret: variable.isSecret ?? false,
    ...(variable.default === undefined ? {} : { default: variable.default }),
  }));
}

/** A name and value the form gives for an environment variable or a header. */
export type NamedValue = { name: string; value: string; isSecret: boolean };

/** What the Add server form sends, checked (services/mcp-add-server.ts has its zod schema). */
export type AddedServer =
  | {
      kind: "npm";
      name: string;
      package: string;
      version?: string | undefined;
      args: string[];
      env: NamedValue[];
    }
  | { kind: "command"; name: string; command: string; args: string[]; env: NamedValue[] }
  | {
      kind: "url";
      name: string;
      transport: "streamable-http" | "sse";
      url: string;
      headers: NamedValue[];
    };

/** Form values as inputs and installation values: secrets only as inputs, plain ones as defaults. */
function namedInputs(
  list: NamedValue[],
  prefix: "env" | "header",
  secretDescription?: string,
): { inputs: KeyValueInput[]; values: InstallValues } {
  const values: InstallValues = {};
  const inputs = list.map((item): KeyValueInput => {
    values[`${prefix}:${item.name}`] = item.value;
    return item.isSecret
      ? {
          name: item.name,
          isRequired: true,
          isSecret: true,
          ...(secretDescription ? { description: secretDescription } : {}),
        }
      : { name: item.name, isRequired: false, default: item.value };
  });
  return { inputs, values };
}

const fixedArguments = (args: string[]) =>
  args.map((value) => ({ type: "positional" as const, value }));

function npmSpecOf(args: string[]): { identifier: string; version?: string; rest: string[] } {
  const [spec = "", ...rest] = args.filter((a) => a !== "-y" && a !== "--yes");
  const at = spec.lastIndexOf("@");
  return at > 0
    ? { identifier: spec.slice(0, at), version: spec.slice(at + 1), rest }
    : { identifier: spec, rest };
}

/**
 * An added server as a catalog entry and the values to install it with. A command through npx,
 * uvx or `docker run` becomes the npm, PyPI or OCI package it runs; another command is kept as
 * it is (see commandOf). Throws an Error with a message meant for the form when a runner
 * command names no package.
 */
export function addedServerJson(
  server: AddedServer,
  /** Said on secret inputs (an import keeps no values, so they must be set on install). */
  options: { secretDescription?: string } = {},
): { entry: ServerJson; values: InstallValues } {
  const base = {
    $schema: SERVER_JSON_SCHEMA_URL,
    name: `${ADDED_NAMESPACE}/${server.name}`,
    title: server.name,
  };
  if (server.kind === "url") {
    const { inputs, values } = namedInputs(server.headers, "header", options.secretDescription);
    return {
      entry: {
        ...base,
        version: "0.0.0",
        description: `Added by hand: ${server.url}`.slice(0, 300),
        remotes: [{ type: server.transport, url: server.url, headers: inputs }],
      },
      values,
    };
  }
  const { inputs, values } = namedInputs(server.env, "env", options.secretDescription);
  const npm =
    server.kind === "npm"
      ? { identifier: server.package, version: server.version, rest: server.args }
      : /(^|\/)npx$/.test(server.command)
        ? npmSpecOf(server.args)
        : null;
  if (npm) {
    if (!npm.identifier) throw new Error("npx needs a package: give it as the first argument");
    const id = `${npm.identifier}${npm.version ? `@${npm.version}` : ""}`;
    return {
      entry: {
        ...base,
        version: npm.version || "0.0.0",
        description: `Added by hand: the npm package ${id}`.slice(0, 300),
        packages: [
          {
            registryType: "npm",
            identifier: npm.identifier,
            ...(npm.version ? { version: npm.version } : {}),
            transport: { type: "stdio" },
            packageArguments: fixedArguments(npm.rest),
            environmentVariables: inputs,
          },
        ],
      },
      values,
    };
  }
  if (server.kind !== "command") throw new Error("unreachable");
  if (/(^|\/)uvx$/.test(server.command)) {
    const [identifier, ...rest] = server.args;
    if (!identifier) throw new Error("uvx needs a package: give it as the first argument");
    const [name, version] = identifier.split("==");
    return {
      entry: {
        ...base,
        version: version || "0.0.0",
        description: `Added by hand: the PyPI package ${identifier}`.slice(0, 300),
        packages: [
          {
            registryType: "pypi",
            identifier: name ?? identifier,
            ...(version ? { version } : {}),
            runtimeHint: "uvx",
            transport: { type: "stdio" },
            packageArguments: fixedArguments(rest),
            environmentVariables: inputs,
          },
        ],
      },
      values,
    };
  }
  if (/(^|\/)docker$/.test(server.command)) {
    const { image, containerArgs } = parseDockerRun(server.args);
    const colon = image.lastIndexOf(":");
    const [identifier, version] =
      colon > image.lastIndexOf("/") ? [image.slice(0, colon), image.slice(colon + 1)] : [image];
    return {
      entry: {
        ...base,
        version: version ?? "0.0.0",
        description: `Added by hand: the image ${image}`.slice(0, 300),
        packages: [
          {
            registryType: "oci",
            identifier: identifier ?? image,
            ...(version ? { version } : {}),
            transport: { type: "stdio" },
            packageArguments: fixedArguments(containerArgs),
            environmentVariables: inputs,
          },
        ],
      },
      values,
    };
  }
  const command: CommandMeta = {
    command: server.command,
    args: server.args,
    environmentVariables: inputs,
  };
  return {
    entry: {
      ...base,
      version: "0.0.0",
      description: `Added by hand: the command ${server.command}`.slice(0, 300),
      _meta: { [COMMAND_META_KEY]: command },
    },
    values,
  };
}
