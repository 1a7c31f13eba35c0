/**
 * Engine benchmark, printing one JSON object:
 * - compile1000NodesMs: median compile of a generated 1,002-node workflow using every common kind
 *   (with the tool-catalog check on);
 * - stepOverheadUs / stepsPerSecond: a 10,000-step chain where every step is a tool call through
 *   the ToolPort to a tool that does nothing, with its timeout armed, results stored in the
 *   in-memory RunStore and every event read from the generator: the engine's own cost per step;
 * - parallelFanout1000Ms: input → parallel → 1,000 such steps → join → output;
 * - heapMb: heap in use at the end.
 * Each figure is a median over repetitions after warm-up.
 *   npx tsx bench/engine.ts
 */
import { compileWorkflow } from "../engine/compiler/compile-workflow";
import { chain, connect, makeNode, makeWorkflow } from "../engine/examples/build-workflow";
import { createRealClock } from "../engine/runtime/clocks";
import { createMemoryRunStore } from "../engine/runtime/memory-ports";
import type { ToolPort } from "../engine/runtime/ports";
import type { Plan } from "../engine/schema/plan";
import { runPlan } from "../engine/runtime/run-plan";
import type { WorkflowDocument } from "../engine/schema/workflow-document";

type Doc = Parameters<typeof makeWorkflow>[0];
const catalog = { search: ["web"], noop: ["noop"] };

/** About 1,000 nodes of every common kind: fan-out/join, rule routers, LLM, tool, agent, transform. */
function generateWorkflow(groups: number): WorkflowDocument {
  const nodes: Doc["nodes"] = [
    makeNode("input", "in", {
      schema: { type: "object", properties: { topic: { type: "string" } } },
    }),
  ];
  const edges: Doc["edges"] = [];
  let previous = "in";
  for (let g = 0; g < groups; g++) {
    const id = (name: string) => `${name}-${g}`;
    nodes.push(
      makeNode("parallel", id("p")),
      makeNode("llm", id("a"), {
        prompt: `Summarise {{input.topic}} given {{steps.${previous}.output}}`,
      }),
      makeNode("tool", id("b"), {
        server: "search",
        tool: "web",
        args: { q: "{{input.topic}}", page: g },
      }),
      makeNode("transform", id("c"), { template: { topic: "{{input.topic}}", group: g } }),
      makeNode("join", id("j"), { aggregator: "concat" }),
      makeNode("router", id("r"), {
        mode: "rule",
        branches: [{ name: "long", when: "value contains 'x' && input.topic != null" }],
      }),
      makeNode("llm", id("d"), { prompt: "Expand {{value}}" }),
      makeNode("transform", id("e"), { template: "{{value}}" }),
      makeNode("agent", id("m"), {
        instructions: "Polish {{steps." + id("j") + ".output}}",
        mcpServers: ["search"],
      }),
      makeNode("condition", id("k"), { when: "value != null" }),
    );
    edges.push(
      connect(previous, id("p"), previous.startsWith("k-") ? "true" : "out"),
      connect(id("p"), id("a")),
      connect(id("p"), id("b")),
      connect(id("p"), id("c")),
      connect(id("a"), id("j")),
      connect(id("b"), id("j")),
      connect(id("c"), id("j")),
      connect(id("j"), id("r")),
      connect(id("r"), id("d"), "long"),
      connect(id("r"), id("e"), "default"),
      connect(id("d"), id("m")),
      connect(id("e"), id("m")),
      connect(id("m"), id("k")),
    );
    previous = id("k");
  }
  nodes.push(makeNode("output", "out"));
  edges.push(connect(previous, "out", "true"));
  return makeWorkflow({ name: "generated", nodes, edges });
}

function compileOrThrow(doc: WorkflowDocument, withCatalog = false): Plan {
  const result = compileWorkflow(doc, withCatalog ? { toolCatalog: catalog } : {});
  if (!result.ok) throw new Error(`compile failed: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result.plan;
}

function noopChain(steps: number): Plan {
  const ids = Array.from({ length: steps }, (_, i) => `s${i}`);
  const nodes = ids.map((id) =>
    makeNode("tool", id, { server: "noop", tool: "noop", args: { step: id } }),
  );
  return compileOrThrow(makeWorkflow({ nodes, edges: chain(...ids) }));
}

function noopFanout(width: number): Plan {
  const ids = Array.from({ length: width }, (_, i) => `w${i}`);
  const nodes = [
    makeNode("input", "in"),
    makeNode("parallel", "fan"),
    ...ids.map((id) => makeNode("tool", id, { server: "noop", tool: "noop", args: { step: id } })),
    makeNode("join", "join", { aggregator: "concat" }),
    makeNode("output", "out"),
  ];
  const edges = [
    connect("in", "fan"),
    ...ids.flatMap((id) => [connect("fan", id), connect(id, "join")]),
    connect("join", "out"),
  ];
  return compileOrThrow(makeWorkflow({ nodes, edges, settings: { concurrency: 16 } }));
}

/** A tool port whose one tool does nothing, so the run measures only the engine. */
const noopTools: ToolPort = {
  listTools: async () => [{ name: "noop" }],
  callTool: async () => null,
};

async function timeRun(plan: Plan): Promise<number> {
  const ports = { tools: noopTools, clock: createRealClock(), store: createMemoryRunStore() };
  const started = performance.now();
  let last = "";
  for await (const event of runPlan(plan, {}, ports, { runId: "bench" })) last = event.type;
  const elapsed = performance.now() - started;
  if (last !== "run.completed") throw new Error(`run ended with ${last}`);
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function measure(
  times: number,
  warmup: number,
  run: () => number | Promise<number>,
): Promise<number> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < times; i++) samples.push(await run());
  return median(samples);
}

async function main() {
  const generated = generateWorkflow(100);
  if (generated.nodes.length < 1000)
    throw new Error(`generated only ${generated.nodes.length} nodes`);
  const compile1000NodesMs = await measure(101, 50, () => {
    const started = performance.now();
    compileOrThrow(generated, true);
    return performance.now() - started;
  });

  const chainSteps = 10_000;
  const chainPlan = noopChain(chainSteps);
  const chainMs = await measure(9, 3, () => timeRun(chainPlan));
  const stepOverheadUs = (chainMs * 1000) / chainSteps;

  const fanoutPlan = noopFanout(1000);
  const parallelFanout1000Ms = await measure(11, 5, () => timeRun(fanoutPlan));

  const round = (value: number, digits = 3) => Number(value.toFixed(digits));
  process.stdout.write(
    `${JSON.stringify({
      compile1000NodesMs: round(compile1000NodesMs),
      stepOverheadUs: round(stepOverheadUs),
      stepsPerSecond: Math.round(1_000_000 / stepOverheadUs),
      parallelFanout1000Ms: round(parallelFanout1000Ms),
      heapMb: round(process.memoryUsage().heapUsed / (1024 * 1024), 1),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
