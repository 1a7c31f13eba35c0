import { listExpressionPaths, parseExpression } from "../schema/expression";
import type { PlanStep } from "../schema/plan";
import { parseTemplate, type BindingPath } from "../schema/template";
import type { DiagnosticList } from "./diagnostics";
import type { WorkflowGraph } from "./graph";

/** Receives every template and every rule expression in a step's config, with its field. */
export interface StepTextVisitor {
  visitTemplate(text: string, field: string): void;
  visitExpression(text: string, field: string): void;
}

// Written without closures on purpose: under tsx, every arrow assigned to a name is renamed at
// creation, which cost more than the checks themselves on a 1,000-node workflow.
function visitText(visitor: StepTextVisitor, value: string | null, field: string): void {
  if (value) visitor.visitTemplate(value, `config.${field}`);
}

function visitDeep(visitor: StepTextVisitor, value: unknown, field: string): void {
  if (typeof value === "string") visitor.visitTemplate(value, field);
  else if (Array.isArray(value))
    for (let i = 0; i < value.length; i++) visitDeep(visitor, value[i], `${field}[${i}]`);
  else if (typeof value === "object" && value !== null) {
    for (const key of Object.keys(value))
      visitDeep(visitor, (value as Record<string, unknown>)[key], `${field}.${key}`);
  }
}

/** Calls the visitor for every template and every rule expression in a step's config. */
export function visitStepTexts(step: PlanStep, visitor: StepTextVisitor): void {
  switch (step.kind) {
    case "agent":
      visitText(visitor, step.config.instructions, "instructions");
      visitText(visitor, step.config.prompt, "prompt");
      break;
    case "tool":
      visitDeep(visitor, step.config.args, "config.args");
      break;
    case "llm":
      visitText(visitor, step.config.prompt, "prompt");
      visitText(visitor, step.config.system, "system");
      break;
    case "router":
      visitText(visitor, step.config.prompt, "prompt");
      for (let i = 0; i < step.config.branches.length; i++) {
        const when = (step.config.branches[i] as { when: string | null }).when;
        if (when) visitor.visitExpression(when, `config.branches[${i}].when`);
      }
      break;
    case "join":
      visitText(visitor, step.config.prompt, "prompt");
      break;
    case "orchestrator":
      visitText(visitor, step.config.instructions, "instructions");
      visitText(visitor, step.config.task, "task");
      visitText(visitor, step.config.worker.instructions, "worker.instructions");
      visitText(visitor, step.config.synthesisInstructions, "synthesisInstructions");
      break;
    case "evaluator-optimizer":
      visitText(visitor, step.config.task, "task");
      visitText(visitor, step.config.generator.instructions, "generator.instructions");
      visitText(visitor, step.config.evaluator.instructions, "evaluator.instructions");
      break;
    case "swarm":
      visitText(visitor, step.config.task, "task");
      for (let i = 0; i < step.config.agents.length; i++) {
        visitText(
          visitor,
          (step.config.agents[i] as { instructions: string }).instructions,
          `agents[${i}].instructions`,
        );
      }
      break;
    case "condition":
      if (step.config.when) visitor.visitExpression(step.config.when, "config.when");
      break;
    case "transform":
      visitDeep(visitor, step.config.template, "config.template");
      break;
    case "human-approval":
      visitText(visitor, step.config.message, "message");
      break;
    case "output":
      visitDeep(visitor, step.config.value, "config.value");
      break;
    case "input":
    case "parallel":
      break;
  }
}

/**
 * Answers "does step A run before step B along edges?" without precomputing ancestor sets (which
 * is quadratic): a backward walk from B that never goes above A's topological position.
 */
export class UpstreamQuery {
  private readonly seen: Int32Array;
  private epoch = 0;

  constructor(
    private readonly graph: WorkflowGraph,
    /** Position in the plan's order, or -1 for nodes that are not in the plan. */
    private readonly position: Int32Array,
  ) {
    this.seen = new Int32Array(graph.nodes.length);
  }

  isUpstream(ancestor: number, node: number): boolean {
    const floor = this.position[ancestor] as number;
    if (floor < 0 || floor >= (this.position[node] as number)) return false;
    this.epoch++;
    const stack = [node];
    while (stack.length > 0) {
      for (const e of this.graph.incoming[stack.pop() as number] as number[]) {
        const from = (this.graph.edges[e] as WorkflowGraph["edges"][number]).from;
        if (from === ancestor) return true;
        const at = this.position[from] as number;
        if (at > floor && this.seen[from] !== this.epoch) {
          this.seen[from] = this.epoch;
          stack.push(from);
        }
      }
    }
    return false;
  }
}

/**
 * Checks that every binding parses and every `steps.<id>` it reads is a step that runs before this
 * one. `anchors` are the nodes whose upstream counts: the node itself, or for a fallback-only node
 * the nodes it stands in for.
 */
export class BindingChecker implements StepTextVisitor {
  private step: PlanStep | undefined;
  private anchors: readonly number[] = [];

  constructor(
    private readonly graph: WorkflowGraph,
    private readonly upstream: UpstreamQuery,
    private readonly diagnostics: DiagnosticList,
  ) {}

  check(step: PlanStep, anchors: readonly number[]): void {
    this.step = step;
    this.anchors = anchors;
    visitStepTexts(step, this);
  }

  visitTemplate(text: string, field: string): void {
    if (!text.includes("{{")) return;
    const parsed = parseTemplate(text);
    if (!parsed.ok) {
      this.report("COMPILE_BAD_BINDING", parsed.error, field);
      return;
    }
    for (const part of parsed.value.parts)
      if (typeof part !== "string") this.checkPath(part.path, part.raw, field);
  }

  visitExpression(text: string, field: string): void {
    const parsed = parseExpression(text);
    if (!parsed.ok) {
      this.report(
        "COMPILE_BAD_EXPRESSION",
        `The rule "${text}" does not parse: ${parsed.error}`,
        field,
      );
      return;
    }
    for (const path of listExpressionPaths(parsed.value)) {
      this.checkPath(path, path.root === "steps" ? `steps.${path.step}.output` : path.root, field);
    }
  }

  private checkPath(path: BindingPath, raw: string, field: string): void {
    if (path.root !== "steps") return;
    const target = this.graph.indexOf.get(path.step);
    if (target === undefined) {
      this.report("COMPILE_BAD_BINDING", `{{${raw}}}: there is no node "${path.step}"`, field);
      return;
    }
    for (const anchor of this.anchors) {
      if (this.upstream.isUpstream(target, anchor)) continue;
      const message = `{{${raw}}}: "${path.step}" does not run before this node; connect it upstream or read another step`;
      this.report("COMPILE_BAD_BINDING", message, field);
      return;
    }
  }

  private report(
    code: "COMPILE_BAD_BINDING" | "COMPILE_BAD_EXPRESSION",
    message: string,
    field: string,
  ): void {
    this.diagnostics.error(code, message, { nodeId: (this.step as PlanStep).id, field });
  }
}
