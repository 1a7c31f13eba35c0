/**
 * The engine's public surface: load a workflow document, compile it to a plan, run the plan through
 * ports. Deeper modules stay importable, but this is what the server and the canvas should need.
 */
export { loadWorkflowDocument } from "./schema/load-workflow-document";
export {
  CURRENT_DOCUMENT_VERSION,
  WorkflowDocumentSchema,
  type NodeOfKind,
  type WorkflowDocument,
  type WorkflowDocumentInput,
  type WorkflowEdge,
  type WorkflowNode,
} from "./schema/workflow-document";
export { NODE_KINDS, type NodeConfig, type NodeKind } from "./schema/node-config";
export {
  canConnect,
  DEFAULT_BRANCH,
  listNodePorts,
  type NodePorts,
  type PortSpec,
  type ValueType,
} from "./schema/node-ports";
export { validateJsonSchema, type JsonSchema } from "./schema/json-schema";
export {
  isCallingStep,
  parsePlan,
  PLAN_VERSION,
  PlanSchema,
  type Plan,
  type PlanStep,
  type StepKind,
} from "./schema/plan";
export {
  RUN_EVENT_TYPES,
  RunEventSchema,
  TERMINAL_RUN_EVENTS,
  type RunError,
  type RunEvent,
  type RunEventOf,
  type RunEventType,
  type TokenUsage,
} from "./schema/run-events";

export {
  compileWorkflow,
  type CompileOptions,
  type CompileResult,
} from "./compiler/compile-workflow";
export type { ToolCatalog } from "./compiler/build-step-config";
export { DIAGNOSTIC_CODES, type Diagnostic, type DiagnosticCode } from "./compiler/diagnostics";

export { collectRunEvents, runPlan, validateRunInput } from "./runtime/run-plan";
export type { PinnedOutput, RunOptions } from "./runtime/run-options";
export type { ApprovalDecision } from "./runtime/step-scope";
export type * from "./runtime/ports";
export { StepError } from "./runtime/step-error";
export { createFakeClock, createRealClock, type FakeClock } from "./runtime/clocks";
export { createMemoryRunStore, createRecordingEventSink } from "./runtime/memory-ports";

export { EXAMPLE_TOOL_CATALOG, EXAMPLE_WORKFLOWS, type ExampleSlug } from "./examples";
