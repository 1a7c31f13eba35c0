/** As workflowName allows (server/services/workflows.ts). */
const MAX_NAME_LENGTH = 120;
const COPY_SUFFIX = / \(copy(?: \d+)?\)$/;
/** Room kept for the longest suffix we expect to write. */
const SUFFIX_ROOM = " (copy 9999)".length;

/**
 * What every candidate name for a copy of `name` starts with: the name without a copy suffix,
 * cut so that a suffix still fits. The taken names worth reading are those with this prefix.
 */
export function copyNameStem(name: string): string {
  return name
    .replace(COPY_SUFFIX, "")
    .slice(0, MAX_NAME_LENGTH - SUFFIX_ROOM)
    .trimEnd();
}

/**
 * The first name not in `taken`: `name` itself when `keepName` (an import), then "<stem> (copy)",
 * "<stem> (copy 2)", …. Copying a copy numbers on rather than nesting: "Brief (copy)" → "Brief (copy 2)".
 * @example firstFreeName("Brief", new Set(["Brief", "Brief (copy)"]), { keepName: false }) // "Brief (copy 2)"
 */
export function firstFreeName(
  name: string,
  taken: ReadonlySet<string>,
  options: { keepName: boolean },
): string {
  if (options.keepName && !taken.has(name)) return name;
  const stem = copyNameStem(name);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${stem} (copy)` : `${stem} (copy ${n})`;
    if (!taken.has(candidate)) return candidate;
  }
}
