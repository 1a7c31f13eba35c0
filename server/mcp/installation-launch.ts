import type { Db } from "@/db/client";
import { ServerJsonSchema } from "@/engine/schema/catalog";
import type { CatalogEntryRow } from "@/server/repositories/mcp-catalog";
import type { InstallationRow } from "@/server/repositories/mcp-installations";
import { decryptSecret } from "@/server/secrets";
import { McpToolError } from "./errors";
import type { LaunchSpec } from "./launch";
import { buildLaunchSpec, type InstallValues } from "./launch-spec";
import { oauthAuthorizer } from "./oauth-tokens";

/** Decrypts an installation's secret inputs; only ever used to start the server. */
export function secretValuesOf(
  installation: Pick<InstallationRow, "secretsEncrypted">,
): InstallValues {
  if (!installation.secretsEncrypted) return {};
  return JSON.parse(decryptSecret(installation.secretsEncrypted)) as InstallValues;
}

/**
 * How to run a tenant's installation: its catalog entry with its values and decrypted secrets.
 * Given `db`, a remote server's requests carry its OAuth connection's token, when it has one.
 */
export function launchSpecOf(
  installation: InstallationRow,
  entry: CatalogEntryRow,
  options: { db?: Db } = {},
): LaunchSpec {
  const parsed = ServerJsonSchema.safeParse(entry.serverJson);
  if (!parsed.success) {
    throw new McpToolError(
      "CONNECT_FAILED",
      `${installation.name}: its catalog entry is not a valid server.json`,
      { server: installation.name },
    );
  }
  let secrets: InstallValues;
  try {
    secrets = secretValuesOf(installation);
  } catch (error) {
    throw new McpToolError(
      "CONNECT_FAILED",
      `${installation.name}: ${error instanceof Error ? error.message : String(error)}`,
      { server: installation.name },
    );
  }
  const spec = buildLaunchSpec(
    parsed.data,
    { ...installation.config, ...secrets },
    installation.name,
  );
  return spec.transport !== "stdio" && options.db
    ? { ...spec, authorizer: oauthAuthorizer(options.db, installation, { url: spec.url }) }
    : spec;
}

/** The pool key of an installation: its id, so two tenants never share a process. */
export const poolKeyOf = (installation: Pick<InstallationRow, "id">) =>
  `installation:${installation.id}`;
