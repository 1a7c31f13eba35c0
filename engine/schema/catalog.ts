import { z } from "zod";

/**
 * MCP server catalog entries in the official MCP Registry's `server.json` format (schema
 * 2025-12-11, camelCase). Unknown fields are kept (loose objects) so entries imported from a
 * newer registry still load; what the app relies on is validated here.
 *
 * @example
 * const entry = ServerJsonSchema.parse(JSON.parse(text));
 * installInputsOf(entry) // → [{ key: "env:GITHUB_TOKEN", isSecret: true, ... }]
 */

export const SERVER_JSON_SCHEMA_URL =
  "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

const Input = z.looseObject({
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  format: z.enum(["string", "number", "boolean", "filepath"]).optional(),
  value: z.string().optional(),
  isSecret: z.boolean().optional(),
  default: z.string().optional(),
  placeholder: z.string().optional(),
  choices: z.array(z.string()).optional(),
});

export const KeyValueInputSchema = Input.extend({ name: z.string().min(1).max(200) });
export type KeyValueInput = z.infer<typeof KeyValueInputSchema>;

export const ArgumentSchema = z.discriminatedUnion("type", [
  Input.extend({
    type: z.literal("positional"),
    valueHint: z.string().optional(),
    isRepeated: z.boolean().optional(),
  }),
  Input.extend({
    type: z.literal("named"),
    name: z.string().min(1),
    isRepeated: z.boolean().optional(),
  }),
]);
export type Argument = z.infer<typeof ArgumentSchema>;

export const TRANSPORT_TYPES = ["stdio", "streamable-http", "sse"] as const;
export type TransportType = (typeof TRANSPORT_TYPES)[number];

export const PackageTransportSchema = z.looseObject({
  type: z.enum(TRANSPORT_TYPES),
  url: z.string().optional(),
  headers: z.array(KeyValueInputSchema).optional(),
});

export const PackageSchema = z.looseObject({
  registryType: z.enum(["npm", "pypi", "nuget", "oci", "mcpb"]),
  registryBaseUrl: z.string().optional(),
  identifier: z.string().min(1).max(300),
  version: z.string().max(100).optional(),
  runtimeHint: z.string().optional(),
  transport: PackageTransportSchema,
  runtimeArguments: z.array(ArgumentSchema).optional(),
  packageArguments: z.array(ArgumentSchema).optional(),
  environmentVariables: z.array(KeyValueInputSchema).optional(),
});
export type Package = z.infer<typeof PackageSchema>;

export const RemoteSchema = z.looseObject({
  type: z.enum(["streamable-http", "sse"]),
  url: z.string().min(1).max(2000),
  headers: z.array(KeyValueInputSchema).optional(),
});
export type Remote = z.infer<typeof RemoteSchema>;

/** Names are reverse-DNS (`io.github.owner/name`); imported configs get a `local.*` namespace. */
export const serverName = z
  .string()
  .min(3)
  .max(200)
  .regex(
    /^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/,
    "must look like namespace/name, e.g. io.github.owner/server",
  );

export const ServerJsonSchema = z.looseObject({
  $schema: z.string().optional(),
  name: serverName,
  title: z.string().max(100).optional(),
  description: z.string().min(1).max(300),
  version: z.string().min(1).max(100),
  websiteUrl: z.string().optional(),
  repository: z
    .looseObject({
      url: z.string(),
      source: z.string().optional(),
      subfolder: z.string().optional(),
    })
    .optional(),
  icons: z.array(z.looseObject({ src: z.string() })).optional(),
  packages: z.array(PackageSchema).optional(),
  remotes: z.array(RemoteSchema).optional(),
  _meta: z.record(z.string(), z.unknown()).optional(),
});
export type ServerJson = z.infer<typeof ServerJsonSchema>;

export const CATALOG_CATEGORIES = [
  "web",
  "files",
  "developer",
  "database",
  "browser",
  "search",
  "productivity",
  "knowledge",
  "reasoning",
  "testing",
  "other",
] as const;
export type CatalogCategory = (typeof CATALOG_CATEGORIES)[number];

/** One field of the install form, generated from a package's arguments and env or a remote's headers. */
export type InstallInput = {
  key: string;
  label: string;
  description: string;
  kind: "env" | "argument" | "header";
  isRequired: boolean;
  isSecret: boolean;
  isRepeated: boolean;
  default?: string;
  choices?: string[];
  format?: string;
};

/** How an entry runs: its first package, else its first remote. */
export function primaryRunner(entry: ServerJson): { package: Package } | { remote: Remote } | null {
  const pkg = entry.packages?.[0];
  if (pkg) return { package: pkg };
  const remote = entry.remotes?.[0];
  return remote ? { remote } : null;
}

export function transportOf(entry: ServerJson): TransportType | null {
  const runner = primaryRunner(entry);
  if (!runner) return null;
  return "package" in runner ? runner.package.transport.type : runner.remote.type;
}

/** Arguments with a fixed value and no `{placeholder}` are not asked for. */
function needsValue(input: { value?: string }): boolean {
  return input.value === undefined || /\{[^}]+\}/.test(input.value);
}

export function argumentKey(argument: Argument, index: number): string {
  return argument.type === "named"
    ? `arg:${argument.name}`
    : `arg:${argument.valueHint ?? `#${index}`}`;
}

/** The install form's fields, in the order they appear in the entry. */
export function installInputsOf(entry: ServerJson): InstallInput[] {
  const runner = primaryRunner(entry);
  if (!runner) return [];
  const inputs: InstallInput[] = [];
  const common = (input: z.infer<typeof Input>) => ({
    description: input.description ?? "",
    isRequired: input.isRequired ?? false,
    isSecret: input.isSecret ?? false,
    ...(input.default === undefined ? {} : { default: input.default }),
    ...(input.choices ? { choices: input.choices } : {}),
    ...(input.format ? { format: input.format } : {}),
  });
  if ("package" in runner) {
    runner.package.packageArguments?.forEach((argument, index) => {
      if (!needsValue(argument)) return;
      inputs.push({
        key: argumentKey(argument, index),
        label:
          argument.type === "named"
            ? argument.name
            : (argument.valueHint ?? `argument ${index + 1}`),
        kind: "argument",
        isRepeated: argument.isRepeated ?? false,
        ...common(argument),
      });
    });
    for (const variable of runner.package.environmentVariables ?? []) {
      if (!needsValue(variable)) continue;
      inputs.push({
        key: `env:${variable.name}`,
        label: variable.name,
        kind: "env",
        isRepeated: false,
        ...common(variable),
      });
    }
    for (const header of runner.package.transport.headers ?? []) {
      if (!needsValue(header)) continue;
      inputs.push({
        key: `header:${header.name}`,
        label: header.name,
        kind: "header",
        isRepeated: false,
        ...common(header),
      });
    }
  } else {
    for (const header of runner.remote.headers ?? []) {
      if (!needsValue(header)) continue;
      inputs.push({
        key: `header:${header.name}`,
        label: header.name,
        kind: "header",
        isRepeated: false,
        ...common(header),
      });
    }
  }
  return inputs;
}

/** What the catalog adds to `server.json`, kept under `_meta` so an export stays a valid `server.json`. */
export const CATALOG_META_KEY = "io.maestro/catalog";
export const CatalogMetaSchema = z.object({
  category: z.enum(CATALOG_CATEGORIES).default("other"),
  needsInternet: z.boolean().default(false),
  /** A tool that only reads and has no required arguments, used by checks; absent means "pick one". */
  harmlessTool: z
    .object({ name: z.string(), arguments: z.record(z.string(), z.unknown()).default({}) })
    .optional(),
});
export type CatalogMeta = z.infer<typeof CatalogMetaSchema>;

export function catalogMetaOf(entry: ServerJson): CatalogMeta {
  const parsed = CatalogMetaSchema.safeParse(entry._meta?.[CATALOG_META_KEY] ?? {});
  return parsed.success ? parsed.data : CatalogMetaSchema.parse({});
}

/** A Claude Desktop / `.mcp.json` server: a command to spawn, or a URL to reach. */
export const McpServersEntrySchema = z.union([
  z.looseObject({
    type: z.literal("stdio").optional(),
    command: z.string().min(1),
    args: z.array(z.string()).optional(),
    env: z.record(z.string(), z.string()).optional(),
    cwd: z.string().optional(),
  }),
  z.looseObject({
    type: z.enum(["http", "sse", "streamable-http"]),
    url: z.string().min(1),
    headers: z.record(z.string(), z.string()).optional(),
  }),
]);
export type McpServersEntry = z.infer<typeof McpServersEntrySchema>;

export const McpServersConfigSchema = z.object({
  mcpServers: z.record(z.string(), McpServersEntrySchema),
});
export type McpServersConfig = z.infer<typeof McpServersConfigSchema>;
