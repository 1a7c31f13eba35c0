import type { WorkflowDocument } from "../schema/workflow-document";
import { buildAgentSpecs, type AgentSpec } from "./agent-factory";
import { analyzeTask } from "./analyze-task";
import { buildDocument } from "./build-document";
import { decidePattern, type LearnedPatternStats, type PatternDecision } from "./decide-pattern";
import { detectTriggers, type ProposedTrigger } from "./detect-triggers";
import type { PatternDelta } from "./pattern-delta";
import { discoverServers, type DiscoveryIndex, type DiscoveryResult } from "./server-discovery";
import { readTaskParts } from "./task-parts";
import type { Pattern, TaskFeatures } from "./vocabulary";

export type PlannerContext = {
  index: DiscoveryIndex;
  /** Learned success per pattern for this task's class (engine/learning: classifyTask + stats). */
  learnedFor?: (features: TaskFeatures) => LearnedPatternStats | undefined;
  /** The tenant's corrections to the pattern model, learned online (pattern-delta.ts). */
  patternDelta?: PatternDelta;
  /** Biases learned from the user's edits (engine/learning: preferenceBias). */
  /** Server biases from the tenant's edits (a changed pattern is learned once, in `patternDelta`). */
  preferences?: { serverBias?: Readonly<Record<string, number>> };
  /** Model for every agent; "default" (the workspace's) when absent. */
  model?: string;
  /** Short catalog name → installation name, when a tenant named an installation differently. */
  serverNames?: Readonly<Record<string, string>>;
};

/** Everything the planner decided and why: what the editor shows next to the proposed workflow. */
export type WorkflowProposal = {
  task: string;
  features: TaskFeatures;
  discovery: DiscoveryResult;
  decision: PatternDecision;
  agents: AgentSpec[];
  document: WorkflowDocument;
  /** Node id → why the node is there. */
  reasons: Record<string, string>;
  /** What would start it ("every weekday at 9", "when a form is submitted"): proposed, set up by the user. */
  triggers: ProposedTrigger[];
};

/**
 * Builds the proposal for a given pattern from already analysed features and discovered servers:
 * what the planner does after deciding, and what a user's "try it as a router instead" calls.
 * @example planWithPattern(features, discovery, decision, context).document
 */
export function planWithPattern(
  features: TaskFeatures,
  discovery: DiscoveryResult,
  decision: PatternDecision,
  context: Pick<PlannerContext, "model" | "serverNames">,
): WorkflowProposal {
  const agents = buildAgentSpecs({
    pattern: decision.pattern,
    features,
    servers: discovery.servers,
    parts: readTaskParts(features.text),
    ...(context.model ? { model: context.model } : {}),
    ...(context.serverNames ? { serverNames: context.serverNames } : {}),
  });
  const { document, reasons } = buildDocument(decision.pattern, features, agents);
  return {
    task: features.text,
    features,
    discovery,
    decision,
    agents,
    document,
    reasons,
    triggers: detectTriggers(features.text),
  };
}

/**
 * Plans a workflow for a task in one synchronous pass: analyse → discover servers → decide the
 * pattern → write agents → build and lay out the document. Needs no LLM; see refine-plan.ts for
 * the optional LLM refinement on top.
 * @example planWorkflow("Save https://example.com into page.md", { index }).decision.pattern // → "chain"
 */
export function planWorkflow(task: string, context: PlannerContext): WorkflowProposal {
  const features = analyzeTask(task);
  const discovery = discoverServers(context.index, features, {
    // Runners-up for the model to choose among when one refines the plan (tool search).
    alternatives: 2,
    ...(context.preferences?.serverBias ? { serverBias: context.preferences.serverBias } : {}),
  });
  const learned = context.learnedFor?.(features);
  const decision = decidePattern(features, {
    ...(learned ? { learned } : {}),
    ...(context.patternDelta ? { delta: context.patternDelta } : {}),
  });
  if (discovery.missing.length)
    decision.reasons.push(`no catalog entry serves ${discovery.missing.join(", ")}: install one`);
  const proposal = planWithPattern(features, discovery, decision, context);
  for (const trigger of proposal.triggers) decision.reasons.push(`trigger: ${trigger.reason}`);
  return proposal;
}

/**
 * Re-plans a proposal as another pattern (the user's choice or a refiner's), keeping the analysis.
 * @example replanAs(proposal, "parallel", context).document
 */
export function replanAs(
  proposal: WorkflowProposal,
  pattern: Pattern,
  context: Pick<PlannerContext, "model" | "serverNames">,
  why = "chosen by the user",
): WorkflowProposal {
  const decision: PatternDecision = {
    ...proposal.decision,
    pattern,
    confidence: 1,
    reasons: [`${pattern}: ${why}`, ...proposal.decision.reasons],
  };
  return planWithPattern(proposal.features, proposal.discovery, decision, context);
}
