/**
 * How the workflow list and the editor name a workflow's state: its latest published version
 * (people run and share versions), never the draft's save counter.
 * @example publishedLabel(2) // → "v2 published"
 */
export function publishedLabel(publishedVersion: number | null | undefined): string {
  return publishedVersion ? `v${publishedVersion} published` : "not published";
}
