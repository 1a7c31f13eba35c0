import {
  isCallingStep,
  PLAN_VERSION,
  type Plan,
  type PlanStep,
  type RetryPolicy,
} from "../schema/plan";
import type { WorkflowDocument, WorkflowNode } from "../schema/workflow-document";
import { buildStepConfig, type ToolCatalog } from "./build-step-config";
import { BindingChecker, UpstreamQuery } from "./check-bindings";
import { DiagnosticList, type Diagnostic } from "./diagnostics";
import { buildGraph, reportCycles, sortTopologically, type WorkflowGraph } from "./graph";

export type CompileOptions = {
  /** Installed MCP servers and their tools; without it, servers and tools are not checked. */
  toolCatalog?: ToolCatalog;
};

export type CompileResult =
  | { ok: true; plan: Plan; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_MS = 300_000;
const CALLING_RETRY: RetryPolicy = {
  maxAttempts: 3,
  initialDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 30_000,
};
const NO_RETRY: RetryPolicy = {
  maxAttempts: 1,
  initialDelayMs: 1_000,
  factor: 2,
  maxDelayMs: 30_000,
};
const FALLBACK_KINDS = new Set<WorkflowNode["kind"]>(["agent", "tool", "llm", "transform"]);

function mergeRetry(
  base: RetryPolicy,
  ...overrides: Array<Partial<RetryPolicy> | undefined>
): RetryPolicy {
  const merged = { ...base };
  for (const override of overrides) {
    if (!override) continue;
    if (override.maxAttempts !== undefined) merged.maxAttempts = override.maxAttempts;
    if (override.initialDelayMs !== undefined) merged.initialDelayMs = override.initialDelayMs;
    if (override.factor !== undefined) merged.factor = override.factor;
    if (override.maxDelayMs !== undefined) merged.maxDelayMs = override.maxDelayMs;
  }
  return merged;
}

/** Checks `policy.fallback` links; returns, per fallback node, the nodes it stands in for. */
function collectFallbacks(
  graph: WorkflowGraph,
  diagnostics: DiagnosticList,
): Map<number, number[]> {
  const fallbackOf = new Map<number, number[]>();
  graph.nodes.forEach((node, index) => {
    const targetId = node.policy?.fallback;
    if (!targetId) return;
    const target = graph.indexOf.get(targetId);
    const targetNode = target === undefined ? undefined : graph.nodes[target];
    const problem =
      target === undefined || !targetNode
        ? `there is no node "${targetId}"`
        : target === index
          ? "a node cannot be its own fallback"
          : !FALLBACK_KINDS.has(targetNode.kind)
            ? `a ${targetNode.kind} node cannot be a fallback (use an agent, tool, llm or transform)`
            : (graph.incoming[target] as number[]).length +
                  (graph.outgoing[target] as number[]).length >
                0
              ? `"${targetId}" is connected; a fallback node stands alone and takes this node's place`
              : targetNode.policy?.fallback
                ? `"${targetId}" has a fallback of its own; fallbacks do not chain`
                : fallbackOf.has(target)
                  ? `"${targetId}" is already the fallback of "${graph.nodes[fallbackOf.get(target)?.[0] ?? 0]?.id}"; give each node its own`
                  : undefined;
    if (problem || target === undefined) {
      diagnostics.error("COMPILE_BAD_FALLBACK", `Fallback "${targetId}": ${problem}`, {
        nodeId: node.id,
        field: "policy.fallback",
      });
      return;
    }
    const primaries = fallbackOf.get(target);
    if (primaries) primaries.push(index);
    else fallbackOf.set(target, [index]);
  });
  return fallbackOf;
}

/** Marks what runs: everything reachable from the input node (or from every root when there is none). */
function markReachable(graph: WorkflowGraph, fallbackOf: Map<number, number[]>): Uint8Array {
  const reached = new Uint8Array(graph.nodes.length);
  const queue: number[] = [];
  const inputs = graph.nodes.flatMap((node, i) => (node.kind === "input" ? [i] : []));
  const entries = inputs.length
    ? inputs
    : graph.nodes.flatMap((_, i) =>
        (graph.incoming[i] as number[]).length === 0 && !fallbackOf.has(i) ? [i] : [],
      );
  for (const i of entries) {
    reached[i] = 1;
    queue.push(i);
  }
  for (let head = 0; head < queue.length; head++) {
    for (const e of graph.outgoing[queue[head] as number] as number[]) {
      const to = (graph.edges[e] as WorkflowGraph["edges"][number]).to;
      if (!reached[to]) {
        reached[to] = 1;
        queue.push(to);
      }
    }
  }
  for (const [fallback, primaries] of fallbackOf)
    if (primaries.some((p) => reached[p])) reached[fallback] = 1;
  return reached;
}

function buildStep(
  doc: WorkflowDocument,
  graph: WorkflowGraph,
  index: number,
  isFallback: boolean,
  diagnostics: DiagnosticList,
  options: CompileOptions,
  reached: Uint8Array,
): PlanStep {
  const node = graph.nodes[index] as WorkflowNode;
  const config = buildStepConfig(node, diagnostics, options.toolCatalog);
  const inputs: PlanStep["inputs"] = [];
  const incoming = graph.incoming[index] as number[];
  // A Set only for wide fan-ins: most nodes have one or two inputs, where a scan is cheaper.
  const seen = incoming.length > 8 ? new Set<string>() : undefined;
  const dependsOn: string[] = [];
  for (const e of incoming) {
    const { edge, from } = graph.edges[e] as WorkflowGraph["edges"][number];
    if (!reached[from]) continue;
    inputs.push({ step: edge.source, port: edge.sourcePort });
    if (seen ? seen.has(edge.source) : dependsOn.includes(edge.source)) continue;
    seen?.add(edge.source);
    dependsOn.push(edge.source);
  }
  const calls = isCallingStep(node.kind, config);
  const settings = doc.settings;
  return {
    id: node.id,
    kind: node.kind,
    label: node.label ?? null,
    dependsOn,
    inputs,
    timeoutMs:
      node.policy?.timeoutMs ?? (calls ? (settings?.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS) : null),
    retry: calls
      ? mergeRetry(CALLING_RETRY, settings?.retry, node.policy?.retry)
      : mergeRetry(NO_RETRY, node.policy?.retry),
    fallback: node.policy?.fallback ?? null,
    isFallback,
    ...(node.policy?.notSafeToRepeat ? { notSafeToRepeat: true } : {}),
    config,
  } as PlanStep;
}

/**
 * Compiles a workflow document into an executable plan, or explains what is wrong with it. Linear
 * in nodes + edges; the same document always gives byte-identical plan JSON.
 * @example
 *   const result = compileWorkflow(loadWorkflowDocument(row.document), { toolCatalog });
 *   if (!result.ok) markNodes(result.errors); else enqueueRun(result.plan);
 */
export function compileWorkflow(
  doc: WorkflowDocument,
  options: CompileOptions = {},
): CompileResult {
  const diagnostics = new DiagnosticList();
  if (doc.nodes.length === 0) {
    diagnostics.error("COMPILE_EMPTY", "The workflow has no nodes yet");
    return { ok: false, errors: diagnostics.errors, warnings: diagnostics.warnings };
  }
  const graph = buildGraph(doc, diagnostics);
  const { order, blocked } = sortTopologically(graph);
  if (blocked.length > 0) reportCycles(graph, blocked, diagnostics);
  const inputNodes = graph.nodes.filter((node) => node.kind === "input");
  for (const extra of inputNodes.slice(1)) {
    diagnostics.error("COMPILE_MULTIPLE_INPUTS", "A workflow has one input node; remove this one", {
      nodeId: extra.id,
    });
  }
  const fallbackOf = collectFallbacks(graph, diagnostics);
  const reached = markReachable(graph, fallbackOf);
  graph.nodes.forEach((node, i) => {
    if (!reached[i]) {
      diagnostics.warn(
        "COMPILE_UNREACHABLE",
        "Not connected to the input, so this node will not run",
        { nodeId: node.id },
      );
    }
  });

  const position = new Int32Array(graph.nodes.length).fill(-1);
  const steps: PlanStep[] = [];
  const anchors: number[][] = [];
  for (const index of order) {
    if (!reached[index]) continue;
    position[index] = steps.length;
    const primaries = fallbackOf.get(index);
    steps.push(
      buildStep(doc, graph, index, primaries !== undefined, diagnostics, options, reached),
    );
    anchors.push(primaries ?? [index]);
  }
  if (blocked.length === 0) {
    const checker = new BindingChecker(graph, new UpstreamQuery(graph, position), diagnostics);
    for (let i = 0; i < steps.length; i++)
      checker.check(steps[i] as PlanStep, anchors[i] as number[]);
  }

  const outputs: Plan["outputs"] = [];
  const outputNames = new Set<string>();
  for (const step of steps) {
    if (step.kind !== "output") continue;
    if (outputNames.has(step.config.name)) {
      diagnostics.error(
        "COMPILE_INVALID_CONFIG",
        `Another output is already named "${step.config.name}"`,
        {
          nodeId: step.id,
          field: "config.name",
        },
      );
    }
    outputNames.add(step.config.name);
    outputs.push({ step: step.id, name: step.config.name });
  }
  if (outputs.length === 0)
    diagnostics.warn("COMPILE_NO_OUTPUT", "No output node: the run will finish with no output");

  if (diagnostics.errors.length > 0)
    return { ok: false, errors: diagnostics.errors, warnings: diagnostics.warnings };
  const inputStep = steps.find((step) => step.kind === "input");
  const plan: Plan = {
    planVersion: PLAN_VERSION,
    documentVersion: doc.version,
    name: doc.name ?? null,
    concurrency: doc.settings?.concurrency ?? DEFAULT_CONCURRENCY,
    inputSchema: inputStep?.kind === "input" ? inputStep.config.schema : null,
    outputs,
    steps,
  };
  return { ok: true, plan, warnings: diagnostics.warnings };
}
