/**
 * Labels for form fields named by a node config's keys.
 * @example humanize("maxSteps") // → "Max Steps"
 */
export function humanize(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (c) => c.toUpperCase());
}

/**
 * One item of a list named in the plural, for "Branch 1" and "Add branch": English plurals of the
 * words config keys use (branches, agents, entries, boxes), not a full inflector.
 * @example singularize("branches") // → "branch"
 */
export function singularize(plural: string): string {
  if (/ies$/i.test(plural)) return plural.slice(0, -3) + "y";
  if (/(ch|sh|ss|x|z)es$/i.test(plural)) return plural.slice(0, -2);
  if (/s$/i.test(plural) && !/(ss|us)$/i.test(plural)) return plural.slice(0, -1);
  return plural;
}
