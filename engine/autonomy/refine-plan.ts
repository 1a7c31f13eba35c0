import { compileWorkflow } from "../compiler/compile-workflow";
import { buildDocument } from "./build-document";
import { planWithPattern, type PlannerContext, type WorkflowProposal } from "./plan-workflow";
import type { DiscoveredServer } from "./server-discovery";
import type { Pattern } from "./vocabulary";

/** What a refiner sees: the task and the fast path's proposal, without the document's bulk. */
export type RefinementDraft = {
  task: string;
  pattern: Pattern;
  servers: string[];
  /**
   * The catalog entries retrieval and the server model ranked highest for the task (tool search):
   * the model may pick among them, so it never has to see the whole catalog.
   */
  candidates: Array<{ shortName: string; title: string; score: number; reason: string }>;
  agents: Array<{ id: string; role: string; instructions: string; servers: string[] }>;
  reasons: string[];
};

/** A refiner's suggestion; every field is optional and each is checked before it is used. */
export type RefinementSuggestion = {
  pattern?: Pattern;
  /** Short catalog names, best first; names the catalog does not hold are ignored. */
  servers?: string[];
  /** Agent id → better instructions. */
  instructions?: Record<string, string>;
  /** Why, shown with the proposal. */
  reason: string;
};

/**
 * The port for an optional LLM pass over a proposal (implemented in server/, e.g. on the LlmPort).
 * The fast path never needs it: a refiner that fails, times out or suggests something that does
 * not compile leaves the proposal as it was.
 */
export interface PlanRefiner {
  refine(draft: RefinementDraft, signal?: AbortSignal): Promise<RefinementSuggestion | null>;
}

export type RefinedProposal = WorkflowProposal & { refined: boolean; refinementNote?: string };

/** How many catalog entries a refining model is shown for the task. */
const CANDIDATES_FOR_MODEL = 8;

/** The draft a refiner receives for a proposal. */
export function toRefinementDraft(proposal: WorkflowProposal): RefinementDraft {
  return {
    task: proposal.task,
    pattern: proposal.decision.pattern,
    servers: proposal.discovery.servers.map((s) => s.shortName),
    candidates: [...proposal.discovery.candidates, ...proposal.discovery.alternatives]
      .filter((s, i, all) => all.findIndex((o) => o.shortName === s.shortName) === i)
      .slice(0, CANDIDATES_FOR_MODEL)
      .map(({ shortName, title, score, reason }) => ({ shortName, title, score, reason })),
    agents: proposal.agents.map((a) => ({
      id: a.id,
      role: a.role,
      instructions: a.instructions,
      servers: a.servers,
    })),
    reasons: proposal.decision.reasons,
  };
}

function applyServers(
  proposal: WorkflowProposal,
  context: PlannerContext,
  names: string[],
): DiscoveredServer[] {
  const chosen: DiscoveredServer[] = [];
  for (const name of names) {
    const found =
      proposal.discovery.servers.find((s) => s.shortName === name) ??
      proposal.discovery.candidates.find((s) => s.shortName === name) ??
      proposal.discovery.alternatives.find((s) => s.shortName === name) ??
      context.index.entries.find((e) => e.shortName === name);
    if (!found) continue;
    chosen.push(
      "capability" in found
        ? found
        : {
            name: found.name,
            shortName: found.shortName,
            title: found.title ?? found.shortName,
            capability: null,
            score: 0.5,
            reason: "suggested by the refiner",
            isBuiltin: found.isBuiltin,
            tools: found.tools,
          },
    );
  }
  return chosen;
}

/**
 * Runs the optional refiner over a proposal and applies what survives the checks; the result
 * always compiles. Never throws for a refiner's failure.
 * @example const refined = await refineProposal(planWorkflow(task, context), context, llmRefiner)
 */
export async function refineProposal(
  proposal: WorkflowProposal,
  context: PlannerContext,
  refiner: PlanRefiner,
  signal?: AbortSignal,
): Promise<RefinedProposal> {
  let suggestion: RefinementSuggestion | null;
  try {
    suggestion = await refiner.refine(toRefinementDraft(proposal), signal);
  } catch (error) {
    return {
      ...proposal,
      refined: false,
      refinementNote: `refiner failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (!suggestion) return { ...proposal, refined: false };
  const servers = suggestion.servers
    ? applyServers(proposal, context, suggestion.servers)
    : proposal.discovery.servers;
  const pattern = suggestion.pattern ?? proposal.decision.pattern;
  const decision =
    pattern === proposal.decision.pattern
      ? proposal.decision
      : {
          ...proposal.decision,
          pattern,
          reasons: [`refined: ${suggestion.reason}`, ...proposal.decision.reasons],
        };
  const next = planWithPattern(
    proposal.features,
    { ...proposal.discovery, servers },
    decision,
    context,
  );
  for (const agent of next.agents) {
    const better = suggestion.instructions?.[agent.id];
    if (better?.trim()) agent.instructions = better.trim();
  }
  // Instructions live in the document too: rebuild it from the edited agents.
  const rebuilt = suggestion.instructions
    ? { ...next, ...buildDocument(next.decision.pattern, next.features, next.agents) }
    : next;
  const compiled = compileWorkflow(rebuilt.document);
  if (!compiled.ok) {
    return {
      ...proposal,
      refined: false,
      refinementNote: `refinement ignored: it does not compile (${compiled.errors[0]?.message ?? "unknown error"})`,
    };
  }
  return { ...rebuilt, refined: true, refinementNote: suggestion.reason };
}
