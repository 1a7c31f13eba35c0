import type { Pattern } from "../autonomy/vocabulary";
import type { WorkflowDocument } from "../schema/workflow-document";
import { listServerReferences } from "../compiler/server-references";

/**
 * What a user's edits to proposed workflows say about their preferences: counters, learned by
 * comparing the proposal with what they saved (the Learning page shows them), and a bias the
 * planner feeds to discovery (servers). A changed pattern is counted here for that page only: the
 * planner learns it once, as a correction of the tenant's pattern model
 * (server/services/planner-corrections.ts, engine/autonomy/pattern-delta.ts).
 */
export type PreferenceCounters = {
  edits: number;
  /** "chain->parallel": the user turned a proposed chain into a parallel workflow. */
  patternChanges: Record<string, number>;
  serversAdded: Record<string, number>;
  serversRemoved: Record<string, number>;
  /** "default->gpt-4o" and the like. */
  modelChanges: Record<string, number>;
  /** Models in saved documents, counted once per save. */
  modelsSaved: Record<string, number>;
};

export type PreferenceBias = {
  serverBias: Record<string, number>;
  preferredModel?: string;
};

export function createPreferences(): PreferenceCounters {
  return {
    edits: 0,
    patternChanges: {},
    serversAdded: {},
    serversRemoved: {},
    modelChanges: {},
    modelsSaved: {},
  };
}

/**
 * The pattern a document has, read from its node kinds (the most specific kind wins).
 * @example detectPattern(EXAMPLE_WORKFLOWS["code-review"]) // → "parallel"
 */
export function detectPattern(doc: WorkflowDocument): Pattern {
  const kinds = new Set(doc.nodes.map((n) => n.kind));
  if (kinds.has("orchestrator")) return "orchestrator";
  if (kinds.has("swarm")) return "swarm";
  if (kinds.has("evaluator-optimizer")) return "evaluator-optimizer";
  if (kinds.has("router")) return "router";
  if (kinds.has("parallel")) return "parallel";
  const steps = doc.nodes.filter(
    (n) => n.kind === "agent" || n.kind === "llm" || n.kind === "tool",
  ).length;
  return steps >= 2 ? "chain" : "single";
}

/** MCP servers a document uses, from agents, tools, orchestrator workers and swarm members. */
export function serversOf(doc: WorkflowDocument): Set<string> {
  return new Set(listServerReferences(doc).map((ref) => ref.server));
}

/** Models a document names ("default" for nodes that leave it to the workspace). */
export function modelsOf(doc: WorkflowDocument): Set<string> {
  const models = new Set<string>();
  for (const node of doc.nodes) {
    const config = node.config as { model?: string };
    if (node.kind === "agent" || node.kind === "llm" || node.kind === "orchestrator")
      models.add(config.model || "default");
  }
  return models;
}

const bumped = (counts: Record<string, number>, key: string) => ({
  ...counts,
  [key]: (counts[key] ?? 0) + 1,
});

/**
 * Learns from one save: what the user changed in the proposal. Pure.
 * @example prefs = learnFromEdit(prefs, proposal.document, savedDocument)
 */
export function learnFromEdit(
  prefs: PreferenceCounters,
  proposed: WorkflowDocument,
  saved: WorkflowDocument,
): PreferenceCounters {
  const next = { ...prefs, edits: prefs.edits + 1 };
  const before = detectPattern(proposed);
  const after = detectPattern(saved);
  if (before !== after) next.patternChanges = bumped(prefs.patternChanges, `${before}->${after}`);
  const proposedServers = serversOf(proposed);
  const savedServers = serversOf(saved);
  for (const s of savedServers)
    if (!proposedServers.has(s)) next.serversAdded = bumped(next.serversAdded, s);
  for (const s of proposedServers)
    if (!savedServers.has(s)) next.serversRemoved = bumped(next.serversRemoved, s);
  const proposedModels = modelsOf(proposed);
  const savedModels = modelsOf(saved);
  for (const model of savedModels) {
    next.modelsSaved = bumped(next.modelsSaved, model);
    if (!proposedModels.has(model))
      for (const old of proposedModels)
        if (!savedModels.has(old))
          next.modelChanges = bumped(next.modelChanges, `${old}->${model}`);
  }
  return next;
}

/**
 * Turns counters into biases: each move towards a server counts for, each move away against,
 * damped by five pseudo-edits so one edit is a nudge and a habit is a push; server biases stay
 * within ±3 fit points. Two or more changes to one model make it the preferred model.
 * @example planWorkflow(task, { index, preferences: preferenceBias(prefs) })
 */
export function preferenceBias(prefs: PreferenceCounters): PreferenceBias {
  const damp = prefs.edits + 5;
  const serverBias: Record<string, number> = {};
  for (const server of new Set([
    ...Object.keys(prefs.serversAdded),
    ...Object.keys(prefs.serversRemoved),
  ])) {
    const net = (prefs.serversAdded[server] ?? 0) - (prefs.serversRemoved[server] ?? 0);
    if (net !== 0) serverBias[server] = (3 * net) / damp;
  }
  let preferredModel: string | undefined;
  let changesTo = 0;
  for (const [change, count] of Object.entries(prefs.modelChanges)) {
    const to = change.split("->")[1] as string;
    if (to !== "default" && count >= 2 && count > changesTo)
      [preferredModel, changesTo] = [to, count];
  }
  return { serverBias, ...(preferredModel ? { preferredModel } : {}) };
}
