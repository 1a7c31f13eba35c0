/* eslint-disable no-restricted-properties -- this runs as the MCP server's own process, not the app: its environment is its input */
// Starts an MCP server whose command line would hold a secret (server-postgres takes its database
// URL as an argument). Its arguments arrive in the environment instead, as a JSON array in
// MAESTRO_SERVER_ARGS: a process's environment is readable only by its own user, while its
// command line (`ps`, /proc/<pid>/cmdline) is readable by every user of the host.
//
//   node argv-from-env.mjs <entry file>            a package installed with the app
//   node argv-from-env.mjs --package <identifier>  a package `npx --package` has just installed:
//                                                  its bin is found through the PATH npx set up
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

function binOfPackageOnPath(identifier) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir.endsWith(join("node_modules", ".bin"))) continue;
    const root = join(dirname(dir), identifier);
    const manifest = join(root, "package.json");
    if (!existsSync(manifest)) continue;
    const { bin } = JSON.parse(readFileSync(manifest, "utf8"));
    const file = typeof bin === "string" ? bin : bin ? Object.values(bin)[0] : undefined;
    if (file) return join(root, file);
  }
  throw new Error(`The package ${identifier} has no bin on the PATH`);
}

const [first, second] = process.argv.slice(2);
const entry = realpathSync(first === "--package" ? binOfPackageOnPath(second) : first);
const args = JSON.parse(process.env.MAESTRO_SERVER_ARGS ?? "[]");
delete process.env.MAESTRO_SERVER_ARGS;
// What the server reads as its own command line; the process's real one never held the secret.
process.argv = [process.argv[0], entry, ...args];
await import(pathToFileURL(entry).href);
