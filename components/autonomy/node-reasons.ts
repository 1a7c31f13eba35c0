/**
 * Why each node of a proposed workflow is there. A node has no description field, so the server
 * (server/services/autonomy.ts, NODE_REASONS_HEADING) writes the reasons into the document's
 * description when it proposes a workflow:
 *
 *   Planned automatically as a chain workflow for: …
 *
 *   Why each node:
 *   - request: the run's input: the request to carry out
 *   - files: step 1: files: name "filesystem", category files
 */
const HEADING = "Why each node:";
const LINE = /^- ([A-Za-z][A-Za-z0-9_-]*): (.+)$/;

let cached: { description: string; reasons: ReadonlyMap<string, string> } | undefined;

/**
 * The reasons written into a document's description, by node id (empty when there are none).
 * The last description read is kept: the inspector asks on every change of the editor's state.
 * @example nodeReasonsOf("…\n\nWhy each node:\n- request: the run's input").get("request") // → "the run's input"
 */
export function nodeReasonsOf(description: string | undefined): ReadonlyMap<string, string> {
  if (!description) return new Map();
  if (cached?.description === description) return cached.reasons;
  const reasons = new Map<string, string>();
  const start = description.lastIndexOf(`${HEADING}\n`);
  if (start >= 0) {
    for (const line of description.slice(start + HEADING.length + 1).split("\n")) {
      const match = LINE.exec(line.trim());
      if (!match) break;
      reasons.set(match[1] as string, match[2] as string);
    }
  }
  cached = { description, reasons };
  return reasons;
}
