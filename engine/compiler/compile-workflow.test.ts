import { describe, expect, it } from "vitest";
import { chain, connect, makeNode, makeWorkflow } from "../examples/build-workflow";
import { PlanSchema } from "../schema/plan";
import { compileWorkflow, DEFAULT_TIMEOUT_MS } from "./compile-workflow";
import type { Diagnostic } from "./diagnostics";

type Nodes = Parameters<typeof makeWorkflow>[0]["nodes"];
type Edges = Parameters<typeof makeWorkflow>[0]["edges"];

const llm = (id: string, prompt = "Say hi") => makeNode("llm", id, { prompt });
/** input → …nodes → output, connected in order unless edges are given. */
function flow(nodes: Nodes = [], edges?: Edges) {
  const all = [makeNode("input", "in"), ...(nodes ?? []), makeNode("output", "out")];
  return makeWorkflow({ nodes: all, edges: edges ?? chain(...all.map((n) => n.id)) });
}

function errorsOf(
  doc: ReturnType<typeof flow>,
  options?: Parameters<typeof compileWorkflow>[1],
): Diagnostic[] {
  const result = compileWorkflow(doc, options);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
}

describe("compileWorkflow: a sound workflow", () => {
  it("emits a versioned plan that passes its own schema, in dependency order", () => {
    const result = compileWorkflow(
      flow([llm("outline"), llm("write", "Expand {{steps.outline.output}}")]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(PlanSchema.parse(result.plan)).toEqual(result.plan);
    expect(result.plan.planVersion).toBe(1);
    expect(result.plan.steps.map((s) => s.id)).toEqual(["in", "outline", "write", "out"]);
    expect(result.plan.steps[2]).toMatchObject({
      dependsOn: ["outline"],
      inputs: [{ step: "outline", port: "out" }],
    });
    expect(result.plan.outputs).toEqual([{ step: "out", name: "out" }]);
  });

  it("gives calling steps a timeout and retries, and pure steps neither", () => {
    const result = compileWorkflow(
      flow([llm("ask"), makeNode("transform", "shape", { template: { a: "{{value}}" } })]),
    );
    if (!result.ok) throw new Error("expected ok");
    const [, ask, shape] = result.plan.steps;
    expect(ask).toMatchObject({
      timeoutMs: DEFAULT_TIMEOUT_MS,
      retry: { maxAttempts: 3, factor: 2 },
    });
    expect(shape).toMatchObject({ timeoutMs: null, retry: { maxAttempts: 1 } });
  });

  it("applies document settings and node policies over the defaults", () => {
    const doc = makeWorkflow({
      settings: { concurrency: 2, defaultTimeoutMs: 5_000, retry: { maxAttempts: 5 } },
      nodes: [
        makeNode("input", "in"),
        makeNode(
          "llm",
          "ask",
          { prompt: "x" },
          { policy: { timeoutMs: 100, retry: { initialDelayMs: 10 } } },
        ),
      ],
      edges: chain("in", "ask"),
    });
    const result = compileWorkflow(doc);
    if (!result.ok) throw new Error("expected ok");
    expect(result.plan.concurrency).toBe(2);
    expect(result.plan.steps[1]).toMatchObject({
      timeoutMs: 100,
      retry: { maxAttempts: 5, initialDelayMs: 10 },
    });
  });

  it("is deterministic: the same document gives byte-identical plan JSON", () => {
    const build = () =>
      flow([
        llm("a"),
        makeNode("router", "r", { mode: "rule", branches: [{ name: "x", when: "value == 1" }] }),
      ]);
    const first = compileWorkflow(build());
    const second = compileWorkflow(structuredClone(build()));
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
  });

  it("keeps a fallback node out of the schedule, marked as a fallback", () => {
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode("llm", "main", { prompt: "x" }, { policy: { fallback: "cheap" } }),
        llm("cheap"),
      ],
      edges: chain("in", "main"),
    });
    const result = compileWorkflow(doc);
    if (!result.ok) throw new Error("expected ok");
    expect(result.plan.steps.find((s) => s.id === "cheap")).toMatchObject({
      isFallback: true,
      dependsOn: [],
    });
    expect(result.plan.steps.find((s) => s.id === "main")).toMatchObject({ fallback: "cheap" });
    expect(result.warnings).toEqual([expect.objectContaining({ code: "COMPILE_NO_OUTPUT" })]);
  });
});

describe("compileWorkflow: diagnostics point at what to fix", () => {
  it("COMPILE_EMPTY for a workflow with no nodes", () => {
    expect(errorsOf(makeWorkflow({ nodes: [], edges: [] }))).toEqual([
      expect.objectContaining({ code: "COMPILE_EMPTY" }),
    ]);
  });

  it("COMPILE_DUPLICATE_ID for two nodes with one id", () => {
    expect(errorsOf(flow([llm("twin"), llm("twin")]))).toContainEqual(
      expect.objectContaining({ code: "COMPILE_DUPLICATE_ID", nodeId: "twin" }),
    );
  });

  it("COMPILE_CYCLE at the connection that closes the loop", () => {
    const errors = errorsOf(
      flow(
        [llm("a"), llm("b"), llm("c")],
        [...chain("in", "a", "b", "c", "out"), connect("c", "a")],
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({ code: "COMPILE_CYCLE", nodeId: "a", edgeId: "c->a" }),
    ]);
    expect(errors[0]?.message).toContain("a → b → c → a");
  });

  it("COMPILE_DANGLING_EDGE for a connection to a node that is gone", () => {
    expect(errorsOf(flow([llm("a")], [...chain("in", "a", "out"), connect("a", "ghost")]))).toEqual(
      [expect.objectContaining({ code: "COMPILE_DANGLING_EDGE", edgeId: "a->ghost", nodeId: "a" })],
    );
  });

  it("COMPILE_PORT_MISMATCH for a branch the router does not have", () => {
    const router = makeNode("router", "route", {
      mode: "rule",
      branches: [{ name: "yes", when: "value == 1" }],
    });
    const errors = errorsOf(
      flow([router], [connect("in", "route"), connect("route", "out", "maybe")]),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "COMPILE_PORT_MISMATCH",
        edgeId: "route.maybe->out",
        nodeId: "route",
      }),
    ]);
    expect(errors[0]?.message).toMatch(/"yes", "default"/);
  });

  it("COMPILE_PORT_MISMATCH for an edge into the input node", () => {
    expect(
      errorsOf(flow([llm("a")], [...chain("in", "a", "out"), connect("a", "in")])),
    ).toContainEqual(
      expect.objectContaining({ code: "COMPILE_PORT_MISMATCH", nodeId: "in", edgeId: "a->in" }),
    );
  });

  it("COMPILE_PORT_MISMATCH for text wired into a tool that takes its arguments from its input", () => {
    const tool = makeNode("tool", "save", { server: "fs", tool: "write" });
    expect(errorsOf(flow([llm("draft"), tool]))).toEqual([
      expect.objectContaining({
        code: "COMPILE_PORT_MISMATCH",
        nodeId: "save",
        edgeId: "draft->save",
      }),
    ]);
  });

  it("COMPILE_MISSING_CONFIG names the node and field", () => {
    const errors = errorsOf(
      flow(
        [
          makeNode("agent", "helper", { mcpServers: [] }),
          makeNode("router", "route", {
            mode: "rule",
            branches: [{ name: "a", when: "value" }, { name: "b" }],
          }),
        ],
        [...chain("in", "helper", "route"), connect("route", "out", "a")],
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "COMPILE_MISSING_CONFIG",
        nodeId: "helper",
        field: "config.instructions",
      }),
      expect.objectContaining({
        code: "COMPILE_MISSING_CONFIG",
        nodeId: "route",
        field: "config.branches[1].when",
      }),
    ]);
  });

  it("COMPILE_INVALID_CONFIG for a reserved branch name and an unknown hand-off", () => {
    const router = makeNode("router", "route", { branches: [{ name: "default" }] });
    const swarm = makeNode("swarm", "team", {
      agents: [{ name: "a", instructions: "x", handoffs: ["zed"] }],
    });
    const errors = errorsOf(
      flow(
        [router, swarm],
        [...chain("in", "route"), connect("route", "team", "default"), connect("team", "out")],
      ),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "COMPILE_INVALID_CONFIG",
        nodeId: "route",
        field: "config.branches[0].name",
      }),
      expect.objectContaining({
        code: "COMPILE_INVALID_CONFIG",
        nodeId: "team",
        field: "config.agents[0].handoffs[0]",
      }),
    ]);
  });

  it("COMPILE_MULTIPLE_INPUTS for a second input node", () => {
    const doc = makeWorkflow({
      nodes: [makeNode("input", "a"), makeNode("input", "b"), makeNode("output", "out")],
      edges: [connect("a", "out"), connect("b", "out")],
    });
    expect(errorsOf(doc)).toEqual([
      expect.objectContaining({ code: "COMPILE_MULTIPLE_INPUTS", nodeId: "b" }),
    ]);
  });

  it("COMPILE_BAD_FALLBACK for a fallback that is wired into the flow", () => {
    const main = makeNode("llm", "main", { prompt: "x" }, { policy: { fallback: "backup" } });
    expect(errorsOf(flow([main, llm("backup")]))).toEqual([
      expect.objectContaining({
        code: "COMPILE_BAD_FALLBACK",
        nodeId: "main",
        field: "policy.fallback",
      }),
    ]);
  });

  it("COMPILE_BAD_BINDING for a step that runs later, a missing node, and a malformed binding", () => {
    const errors = errorsOf(
      flow([
        llm("first", "Use {{steps.second.output}}"),
        llm("second", "Use {{steps.nobody.output.x}}"),
        llm("third", "Use {{ value. }}"),
      ]),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "COMPILE_BAD_BINDING",
        nodeId: "first",
        field: "config.prompt",
        message: expect.stringMatching(/does not run before/),
      }),
      expect.objectContaining({
        code: "COMPILE_BAD_BINDING",
        nodeId: "second",
        message: expect.stringMatching(/no node "nobody"/),
      }),
      expect.objectContaining({
        code: "COMPILE_BAD_BINDING",
        nodeId: "third",
        message: expect.stringMatching(/not a valid path/),
      }),
    ]);
  });

  it("COMPILE_BAD_BINDING for a parallel sibling, which is not upstream", () => {
    const nodes = [
      makeNode("parallel", "fan"),
      llm("left"),
      llm("right", "{{steps.left.output}}"),
      makeNode("join", "merge"),
    ];
    const edges = [
      ...chain("in", "fan"),
      connect("fan", "left"),
      connect("fan", "right"),
      connect("left", "merge"),
      connect("right", "merge"),
      connect("merge", "out"),
    ];
    expect(errorsOf(flow(nodes, edges))).toEqual([
      expect.objectContaining({ code: "COMPILE_BAD_BINDING", nodeId: "right" }),
    ]);
  });

  it("COMPILE_BAD_EXPRESSION for a rule that does not parse", () => {
    const condition = makeNode("condition", "check", { when: "value.total >" });
    expect(
      errorsOf(flow([condition], [connect("in", "check"), connect("check", "out", "true")])),
    ).toEqual([
      expect.objectContaining({
        code: "COMPILE_BAD_EXPRESSION",
        nodeId: "check",
        field: "config.when",
      }),
    ]);
  });

  it("SERVER_NOT_FOUND and TOOL_NOT_FOUND against a tool catalog, and no such checks without one", () => {
    const doc = flow([
      makeNode("tool", "fetch", {
        server: "web",
        tool: "download",
        args: { url: "{{input.url}}" },
      }),
      makeNode("agent", "helper", {
        instructions: "Help",
        mcpServers: ["web", "jira"],
        allowedTools: ["search", "teleport"],
      }),
    ]);
    const errors = errorsOf(doc, { toolCatalog: { web: ["search", "fetch_page"] } });
    expect(errors).toEqual([
      expect.objectContaining({ code: "TOOL_NOT_FOUND", nodeId: "fetch", field: "config.tool" }),
      expect.objectContaining({
        code: "SERVER_NOT_FOUND",
        nodeId: "helper",
        field: "config.mcpServers[1]",
      }),
      expect.objectContaining({
        code: "TOOL_NOT_FOUND",
        nodeId: "helper",
        field: "config.allowedTools[1]",
      }),
    ]);
    expect(compileWorkflow(doc).ok).toBe(true);
  });

  it("warns COMPILE_UNREACHABLE for a node cut off from the input, and leaves it out of the plan", () => {
    const doc = flow([llm("a"), llm("orphan")], chain("in", "a", "out"));
    const result = compileWorkflow(doc);
    if (!result.ok) throw new Error("expected ok");
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: "COMPILE_UNREACHABLE",
        severity: "warning",
        nodeId: "orphan",
      }),
    ]);
    expect(result.plan.steps.map((s) => s.id)).not.toContain("orphan");
  });
});
