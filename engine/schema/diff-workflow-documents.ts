import type { NodeKind } from "./node-config";
import type { WorkflowDocument, WorkflowEdge, WorkflowNode } from "./workflow-document";

export interface FieldChange {
  /** Dotted path from the node (`config.prompt`, `policy.retry.maxAttempts`) or the document (`settings.concurrency`). */
  path: string;
  /** undefined when the field was not set on that side. */
  before: unknown;
  after: unknown;
}

export interface NodeSummary {
  id: string;
  kind: NodeKind;
  label: string | undefined;
}

export type EdgeSummary = Pick<
  WorkflowEdge,
  "id" | "source" | "sourcePort" | "target" | "targetPort"
>;

export interface WorkflowDiff {
  nodes: {
    added: NodeSummary[];
    removed: NodeSummary[];
    /** Nodes in both whose kind, label, config or policy differ; `kind` and `label` are the after side's. */
    changed: (NodeSummary & { fields: FieldChange[] })[];
    /** Ids of nodes in both that only moved on the canvas: layout, not behaviour, so not in `changed`. */
    moved: string[];
  };
  edges: { added: EdgeSummary[]; removed: EdgeSummary[] };
  /** The document's own fields: name, description and settings. */
  settingsChanged: FieldChange[];
}

/**
 * What changed between two versions of a workflow, for "compare with version 3" and publish notes.
 * Nodes match by id. Moving a node is reported apart from changes (`moved`); an edge whose ends
 * changed under the same id counts as removed and added, since it now connects other steps.
 * @example diffWorkflowDocuments(loadWorkflowDocument(v3.document), draft).nodes.changed[0]?.fields
 *   // → [{ path: "config.prompt", before: "Summarise", after: "Summarise in 3 bullets" }]
 */
export function diffWorkflowDocuments(
  before: WorkflowDocument,
  after: WorkflowDocument,
): WorkflowDiff {
  const beforeNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const afterNodes = new Map(after.nodes.map((n) => [n.id, n]));
  const nodes: WorkflowDiff["nodes"] = { added: [], removed: [], changed: [], moved: [] };
  for (const node of after.nodes) {
    const old = beforeNodes.get(node.id);
    if (!old) {
      nodes.added.push(summarizeNode(node));
      continue;
    }
    const fields = diffValues(behaviourOf(old), behaviourOf(node), "");
    if (fields.length) nodes.changed.push({ ...summarizeNode(node), fields });
    if (!isEqual(old.position, node.position)) nodes.moved.push(node.id);
  }
  for (const node of before.nodes)
    if (!afterNodes.has(node.id)) nodes.removed.push(summarizeNode(node));

  const edgeKey = (e: WorkflowEdge) =>
    JSON.stringify([e.id, e.source, e.sourcePort, e.target, e.targetPort]);
  const beforeEdges = new Set(before.edges.map(edgeKey));
  const afterEdges = new Set(after.edges.map(edgeKey));
  const edges = {
    added: after.edges.filter((e) => !beforeEdges.has(edgeKey(e))).map(summarizeEdge),
    removed: before.edges.filter((e) => !afterEdges.has(edgeKey(e))).map(summarizeEdge),
  };

  const documentFields = (d: WorkflowDocument) => ({
    name: d.name,
    description: d.description,
    settings: d.settings,
  });
  return {
    nodes,
    edges,
    settingsChanged: diffValues(documentFields(before), documentFields(after), ""),
  };
}

/** Whether a diff changes what the workflow does (moving nodes does not). */
export function hasChanges(diff: WorkflowDiff): boolean {
  const { nodes, edges, settingsChanged } = diff;
  return [
    nodes.added,
    nodes.removed,
    nodes.changed,
    edges.added,
    edges.removed,
    settingsChanged,
  ].some((list) => list.length > 0);
}

const summarizeNode = (node: WorkflowNode): NodeSummary => ({
  id: node.id,
  kind: node.kind,
  label: node.label,
});
const summarizeEdge = ({
  id,
  source,
  sourcePort,
  target,
  targetPort,
}: WorkflowEdge): EdgeSummary => ({ id, source, sourcePort, target, targetPort });

/** A node without its position: everything that changes what the step does or how it is shown in runs. */
function behaviourOf(node: WorkflowNode): Record<string, unknown> {
  return { kind: node.kind, label: node.label, config: node.config, policy: node.policy };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Leaf changes between two JSON values. Objects are compared key by key; arrays as a whole, since
 * an inserted item would otherwise show every later index as changed.
 */
function diffValues(before: unknown, after: unknown, path: string): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) =>
      diffValues(before[key], after[key], path ? `${path}.${key}` : key),
    );
  }
  if (isEqual(before, after)) return [];
  // An object that appeared or disappeared (a policy added) is listed by its leaves, like any other.
  if (isPlainObject(before) && after === undefined) return diffValues(before, {}, path);
  if (before === undefined && isPlainObject(after)) return diffValues({}, after, path);
  return [{ path, before, after }];
}

/** Deep equality of JSON values, where an absent key equals an undefined one. */
function isEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => isEqual(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => isEqual(a[key], b[key]));
  }
  return false;
}
