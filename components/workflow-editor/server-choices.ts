export type ServerChoice = { name: string; isInstalled: boolean };

/**
 * The servers an agent's MCP servers field offers: the tenant's installed ones, then any the node
 * names that are not installed (an imported or proposed workflow), so those can be unticked too.
 * @example serverChoices(["files"], ["github"]) // → [{ name: "files", isInstalled: true }, { name: "github", isInstalled: false }]
 */
export function serverChoices(
  installed: readonly string[],
  picked: readonly string[],
): ServerChoice[] {
  const known = new Set(installed);
  const missing = [...new Set(picked)].filter((name) => !known.has(name));
  return [
    ...installed.map((name) => ({ name, isInstalled: true })),
    ...missing.map((name) => ({ name, isInstalled: false })),
  ];
}
