/** Autonomy: from a task's text to a workflow document, with the reasons for every choice. */
export { analyzeTask } from "./analyze-task";
export {
  buildDiscoveryIndex,
  discoverServers,
  shortNameOf,
  toCatalogEntryInput,
  type CatalogEntryInput,
  type DiscoverOptions,
  type DiscoveredServer,
  type DiscoveryIndex,
  type DiscoveryResult,
} from "./server-discovery";
export {
  decidePattern,
  type DecideOptions,
  type LearnedPatternStats,
  type PatternDecision,
} from "./decide-pattern";
export {
  emptyPatternDelta,
  learnPatternCorrection,
  PatternDeltaSchema,
  predictWithDelta,
  type PatternDelta,
} from "./pattern-delta";
export { PATTERN_MODEL } from "./task-models";
export {
  buildAgentSpecs,
  type AgentFactoryInput,
  type AgentRole,
  type AgentSpec,
} from "./agent-factory";
export { readTaskParts, type TaskParts } from "./task-parts";
export { layoutLayered } from "./layout-layers";
export { detectTriggers, type ProposedTrigger } from "./detect-triggers";
export { buildDocument, type BuiltDocument } from "./build-document";
export {
  planWithPattern,
  planWorkflow,
  replanAs,
  type PlannerContext,
  type WorkflowProposal,
} from "./plan-workflow";
export {
  refineProposal,
  toRefinementDraft,
  type PlanRefiner,
  type RefinedProposal,
  type RefinementDraft,
  type RefinementSuggestion,
} from "./refine-plan";
export {
  CAPABILITIES,
  INTENTS,
  PATTERNS,
  STRUCTURE_THRESHOLDS,
  type Capability,
  type Complexity,
  type EntityKind,
  type Intent,
  type Pattern,
  type StructureKind,
  type StructureScores,
  type StructureSignals,
  type TaskEntity,
  type TaskFeatures,
} from "./vocabulary";
