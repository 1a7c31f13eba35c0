import { describe, expect, it } from "vitest";
import { EXAMPLE_WORKFLOWS } from "../examples";
import { chain, connect, makeNode, makeWorkflow } from "../examples/build-workflow";
import type { LlmRequest } from "./ports";
import { createFakeLlm, createFakeTools } from "./fake-ports";
import { compilePlan, makeTestPorts, runToEnd } from "./test-kit";

function systemOf(request: LlmRequest): string {
  const first = request.messages[0];
  return first?.role === "system" ? first.content : "";
}
function userOf(request: LlmRequest): string {
  const user = request.messages.find((m) => m.role === "user");
  return user?.role === "user" ? user.content : "";
}

describe("chain (fake LLM and tool ports)", () => {
  it("passes each step's output to the next and resolves bindings from stored outputs", async () => {
    const llm = createFakeLlm((request, call) => {
      if (request.outputSchema)
        return { object: { questions: ["How do tides form?", "Why two a day?"] } };
      if (request.tools && call === 2)
        return { toolCalls: [{ id: "t1", name: "search", args: { q: "tides" } }] };
      if (systemOf(request).startsWith("You are a careful researcher"))
        return "Notes: the moon pulls the sea.";
      return `Brief for kids: ${userOf(request).includes("the moon pulls the sea") ? "the moon" : "?"}`;
    });
    const tools = createFakeTools({
      "web-search": {
        search: ({ q }) => ({ items: [`about ${String(q)}`] }),
        fetch_page: () => "",
      },
    });
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["research-brief"]),
      { topic: "tides", audience: "kids" },
      makeTestPorts({ llm, tools }),
    );

    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { brief: "Brief for kids: the moon" },
    });
    expect(run.completed).toEqual(["request", "outline", "research", "write", "brief"]);
    expect(userOf(llm.calls[1] as LlmRequest)).toContain("How do tides form?");
    expect(tools.calls).toEqual([{ server: "web-search", tool: "search", args: { q: "tides" } }]);
    expect(run.of("step.progress")).toContainEqual(
      expect.objectContaining({ stepId: "research", message: "Calling web-search/search" }),
    );
    expect(run.of("step.output.delta").map((e) => e.stepId)).toContain("write");
  });

  it("fails the step with a clear message when a bound path is missing", async () => {
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode("transform", "pick", { template: "{{input.customer.email}}" }),
        makeNode("output", "out"),
      ],
      edges: chain("in", "pick", "out"),
    });
    const run = await runToEnd(compilePlan(doc), { customer: { name: "Ada" } }, makeTestPorts());
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: {
        code: "BINDING_MISSING",
        stepId: "pick",
        message:
          '{{input.customer.email}} has no value: "customer.email" is missing from the run input',
      },
    });
    expect(run.completed).toEqual(["in"]);
  });
});

describe("router", () => {
  it("follows the branch the LLM picks and skips the others (fake LLM port)", async () => {
    const llm = createFakeLlm((request) =>
      request.outputSchema
        ? { object: { branch: "bug" } }
        : `handled by ${systemOf(request).slice(11, 22)}`,
    );
    const tools = createFakeTools({
      github: { search_issues: () => [], create_issue: () => ({}) },
      billing: {},
    });
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["support-triage"]),
      { subject: "Crash", body: "It crashes" },
      makeTestPorts({ llm, tools }),
    );

    expect(run.of("step.completed").find((e) => e.stepId === "classify")).toMatchObject({
      port: "bug",
    });
    expect(
      run
        .of("step.skipped")
        .map((e) => e.stepId)
        .sort(),
    ).toEqual(["account-reply", "billing-agent", "general-reply"]);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { reply: "handled by bug reports" },
    });
    const classification = llm.calls[0] as LlmRequest;
    expect(systemOf(classification)).toContain(
      "- billing: Charges, refunds, invoices, plan changes",
    );
    expect(userOf(classification)).toBe("Subject: Crash\n\nIt crashes");
  });

  it("falls back to the default branch when the LLM names no known branch (fake LLM port)", async () => {
    const llm = createFakeLlm((request) =>
      request.outputSchema ? { object: { branch: "lottery" } } : "generic reply",
    );
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["support-triage"]),
      { subject: "Hi", body: "?" },
      makeTestPorts({ llm }),
    );
    expect(run.last).toMatchObject({ type: "run.completed", output: { reply: "generic reply" } });
  });

  const ruleRouter = makeWorkflow({
    nodes: [
      makeNode("input", "in"),
      makeNode("router", "route", {
        mode: "rule",
        branches: [
          { name: "urgent", when: 'value.priority == "high" || value.vip' },
          { name: "billing", when: "value.subject contains 'invoice'" },
        ],
      }),
      makeNode("transform", "page-oncall", { template: "page {{value.subject}}" }),
      makeNode("transform", "to-billing", { template: "billing {{value.subject}}" }),
      makeNode("transform", "queue", { template: "queue {{value.subject}}" }),
      makeNode("output", "out"),
    ],
    edges: [
      connect("in", "route"),
      connect("route", "page-oncall", "urgent"),
      connect("route", "to-billing", "billing"),
      connect("route", "queue", "default"),
      connect("page-oncall", "out"),
      connect("to-billing", "out"),
      connect("queue", "out"),
    ],
  });

  it.each([
    [{ subject: "invoice 12 wrong", priority: "high" }, "page invoice 12 wrong"],
    [{ subject: "invoice 12 wrong", priority: "low" }, "billing invoice 12 wrong"],
    [{ subject: "hello", vip: true }, "page hello"],
    [{ subject: "hello" }, "queue hello"],
  ])("routes %j by rule to the first matching branch, else default", async (input, expected) => {
    const run = await runToEnd(compilePlan(ruleRouter), input, makeTestPorts());
    expect(run.last).toMatchObject({ type: "run.completed", output: { out: expected } });
  });
});

describe("condition, transform and tool (fake tool port)", () => {
  const runInvoices = async (overdueCount: number) => {
    const tools = createFakeTools({
      billing: {
        list_invoices: ({ customerId }) => ({
          customerId,
          overdueCount,
          invoices: overdueCount ? ["INV-7"] : [],
        }),
      },
      email: { send_email: (args) => ({ sent: true, subject: args.subject }) },
    });
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["invoice-escalation"]),
      { customerId: "c-42" },
      makeTestPorts({ tools }),
    );
    return { run, tools };
  };

  it("emails collections when invoices are overdue", async () => {
    const { run, tools } = await runInvoices(2);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { escalated: { sent: true, subject: "2 overdue invoices for customer c-42" } },
    });
    expect(tools.calls.map((c) => c.tool)).toEqual(["list_invoices", "send_email"]);
    expect(tools.calls[0]?.args).toEqual({ customerId: "c-42", status: "open" });
  });

  it("takes the false branch and sends nothing when none are overdue", async () => {
    const { run, tools } = await runInvoices(0);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { status: { customerId: "c-42", status: "nothing overdue" } },
    });
    expect(tools.calls.map((c) => c.tool)).toEqual(["list_invoices"]);
    expect(run.of("step.skipped").map((e) => e.stepId)).toEqual(["email-collections", "escalated"]);
  });
});

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

describe("parallel + join", () => {
  const fanOut = (aggregator: "concat" | "merge" | "vote" | "llm-summary", templates: Json[]) =>
    makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode("parallel", "fan"),
        ...templates.map((template, i) => makeNode("transform", `b${i}`, { template })),
        makeNode("join", "join", { aggregator }),
        makeNode("output", "out"),
      ],
      edges: [
        connect("in", "fan"),
        ...templates.flatMap((_, i) => [connect("fan", `b${i}`), connect(`b${i}`, "join")]),
        connect("join", "out"),
      ],
    });

  const cases: Array<["concat" | "merge" | "vote", Json[], Json]> = [
    ["concat", ["alpha", "beta", "gamma"], "alpha\n\nbeta\n\ngamma"],
    ["concat", [["a", "b"], "c", ["d"]], ["a", "b", "c", "d"]],
    ["merge", [{ a: 1, b: 1 }, { b: 2 }, { c: 3 }], { a: 1, b: 2, c: 3 }],
    ["vote", ["yes", "no", "yes"], "yes"],
  ];
  it.each(cases)(
    "%s combines the branches in edge order",
    async (aggregator, templates, expected) => {
      const run = await runToEnd(compilePlan(fanOut(aggregator, templates)), {}, makeTestPorts());
      expect(run.last).toMatchObject({ type: "run.completed", output: { out: expected } });
    },
  );

  it("merge fails clearly when a branch is not an object", async () => {
    const run = await runToEnd(
      compilePlan(fanOut("merge", [{ a: 1 }, "text"])),
      {},
      makeTestPorts(),
    );
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: { code: "AGGREGATE_FAILED", stepId: "join" },
    });
  });

  it("llm-summary asks the LLM to combine every branch (fake LLM port)", async () => {
    const llm = createFakeLlm(
      (request) => `summary of ${userOf(request).split("Result").length - 1} results`,
    );
    const run = await runToEnd(
      compilePlan(fanOut("llm-summary", ["x", "y"])),
      {},
      makeTestPorts({ llm }),
    );
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { out: "summary of 2 results" },
    });
    expect(userOf(llm.calls[0] as LlmRequest)).toBe("Result 1:\nx\n\nResult 2:\ny");
  });

  it("runs the three reviews of the code-review example side by side (fake LLM port)", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const llm = createFakeLlm(async (request) => {
      if (userOf(request).startsWith("Result")) return "merged review";
      if (llm.calls.length === 3) release();
      await gate;
      return "finding";
    });
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["code-review"]),
      { title: "Fix", diff: "+a" },
      makeTestPorts({ llm }),
    );
    expect(llm.maxInFlight).toBe(3);
    expect(run.last).toMatchObject({ type: "run.completed", output: { review: "merged review" } });
  });
});

describe("evaluator-optimizer (fake LLM port)", () => {
  const scripted = (ratings: number[]) => {
    let drafts = 0;
    let reviews = 0;
    return createFakeLlm((request) => {
      if (!request.outputSchema) return `draft ${++drafts}`;
      const rating = ratings[reviews++] ?? 0;
      return { object: { rating, feedback: `rated ${rating}` } };
    });
  };
  const plan = compilePlan(EXAMPLE_WORKFLOWS["customer-reply"]);

  it("stops as soon as a draft reaches the threshold", async () => {
    const llm = scripted([5, 9, 10]);
    const run = await runToEnd(
      plan,
      { complaint: "Late delivery", tone: "warm" },
      makeTestPorts({ llm }),
    );
    expect(llm.calls).toHaveLength(4);
    expect(run.of("step.completed").find((e) => e.stepId === "draft-reply")?.output).toMatchObject({
      output: "draft 2",
      rating: 9,
      iterations: 2,
      accepted: true,
    });
    expect(userOf(llm.calls[2] as LlmRequest)).toContain("Reviewer feedback:\nrated 5");
    expect(run.last).toMatchObject({ output: { reply: "draft 2" } });
  });

  it("stops at the iteration cap and keeps the best-rated draft", async () => {
    const llm = scripted([3, 6, 4]);
    const run = await runToEnd(
      plan,
      { complaint: "Late delivery", tone: "warm" },
      makeTestPorts({ llm }),
    );
    expect(llm.calls).toHaveLength(6);
    expect(run.of("step.completed").find((e) => e.stepId === "draft-reply")?.output).toMatchObject({
      output: "draft 2",
      rating: 6,
      iterations: 3,
      accepted: false,
    });
  });
});

describe("swarm (fake LLM and tool ports)", () => {
  const handoff = (to: string) => ({
    toolCalls: [{ id: `h-${to}`, name: `transfer_to_${to}`, args: {} }],
  });

  it("hands the task between agents until one answers", async () => {
    const seen: string[] = [];
    const llm = createFakeLlm((request) => {
      const agent = systemOf(request).split(" ")[0] as string;
      seen.push(agent);
      if (agent === "Understand" && !userOf(request).includes("[flights]"))
        return handoff("flights");
      if (agent === "Find" && request.messages.length === 2)
        return { toolCalls: [{ id: "f1", name: "search_flights", args: { to: "Oslo" } }] };
      if (agent === "Find") return { text: "KL1143 at 9:05", ...handoff("concierge") };
      return "Booked KL1143 to Oslo.";
    });
    const tools = createFakeTools({
      flights: { search_flights: () => [{ flight: "KL1143" }] },
      hotels: { search_hotels: () => [] },
    });
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["travel-booking"]),
      { request: "Fly me to Oslo" },
      makeTestPorts({ llm, tools }),
    );

    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { itinerary: "Booked KL1143 to Oslo." },
    });
    const result = run.of("step.completed").find((e) => e.stepId === "travel-desk")?.output;
    expect(result).toMatchObject({
      agent: "concierge",
      handoffs: [
        { from: "concierge", to: "flights" },
        { from: "flights", to: "concierge" },
      ],
      handoffCapReached: false,
    });
    expect(tools.calls).toEqual([
      { server: "flights", tool: "search_flights", args: { to: "Oslo" } },
    ]);
    expect(seen).toEqual(["Understand", "Find", "Find", "Understand"]);
  });

  it("stops at the hand-off cap with the last agent's answer", async () => {
    const doc = makeWorkflow({
      nodes: [
        makeNode("input", "in"),
        makeNode("swarm", "ping-pong", {
          maxHandoffs: 2,
          agents: [
            { name: "ping", instructions: "ping", handoffs: ["pong"] },
            { name: "pong", instructions: "pong", handoffs: ["ping"] },
          ],
        }),
        makeNode("output", "out"),
      ],
      edges: chain("in", "ping-pong", "out"),
    });
    const llm = createFakeLlm((request) => ({
      text: `${systemOf(request)} says hi`,
      ...handoff(systemOf(request) === "ping" ? "pong" : "ping"),
    }));
    const run = await runToEnd(compilePlan(doc), "go", makeTestPorts({ llm }));
    expect(llm.calls).toHaveLength(3);
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: {
        out: {
          output: "ping says hi",
          agent: "ping",
          handoffCapReached: true,
          handoffs: [
            { from: "ping", to: "pong" },
            { from: "pong", to: "ping" },
          ],
        },
      },
    });
  });
});

describe("orchestrator-workers (fake LLM port)", () => {
  const subtasks = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      title: `Stream ${i + 1}`,
      instructions: `Plan stream ${i + 1}`,
    }));
  const orchestratorLlm = (planned: number) =>
    createFakeLlm(async (request) => {
      if (request.outputSchema)
        return {
          object: { subtasks: subtasks(planned) },
          usage: { inputTokens: 100, outputTokens: 50 },
        };
      if (systemOf(request).startsWith("Merge"))
        return {
          text: `plan from ${userOf(request).split("## ").length - 1} streams`,
          usage: { inputTokens: 10, outputTokens: 5 },
        };
      await Promise.resolve();
      return {
        text: `checklist for ${userOf(request).match(/Stream \d+/)?.[0] ?? "?"}`,
        usage: { inputTokens: 1, outputTokens: 1 },
      };
    });

  const tools = createFakeTools({ "web-search": { search: () => [] } });

  it("turns the planner's subtasks into worker steps at run time, capped at maxWorkers", async () => {
    const llm = orchestratorLlm(6);
    const input = { product: "Maestro", launchDate: "2026-03-01" };
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["launch-plan"]),
      input,
      makeTestPorts({ llm, tools }),
    );

    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { plan: "plan from 4 streams" },
    });
    const children = run.of("step.completed").filter((e) => e.parentStepId === "plan-launch");
    expect(children.map((e) => e.stepId)).toEqual([
      "plan-launch/planner",
      ...[1, 2, 3, 4].map((n) => `plan-launch/worker-${n}`),
    ]);
    expect(children[1]?.output).toBe("checklist for Stream 1");
    const orchestrator = run.of("step.completed").find((e) => e.stepId === "plan-launch");
    expect(orchestrator?.output).toMatchObject({
      results: [{ title: "Stream 1", output: "checklist for Stream 1" }, {}, {}, {}],
    });
    expect(userOf(llm.calls[1] as LlmRequest)).toContain(
      "Overall task: Launch Maestro on 2026-03-01",
    );
  });

  it("on a retry, reuses the planner and workers that already finished (fake LLM port)", async () => {
    let synthesisCalls = 0;
    const base = orchestratorLlm(2);
    const llm = createFakeLlm((request) => {
      if (systemOf(request).startsWith("Merge") && ++synthesisCalls === 1)
        throw new Error("provider overloaded");
      return base.generate(request);
    });
    const doc = structuredClone(EXAMPLE_WORKFLOWS["launch-plan"]);
    const plan = compilePlan(doc);
    const run = await runToEnd(
      plan,
      { product: "Maestro", launchDate: "soon" },
      makeTestPorts({ llm, tools }),
    );
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { plan: "plan from 2 streams" },
    });
    expect(run.of("step.retrying").map((e) => e.stepId)).toEqual(["plan-launch"]);
    expect(base.calls.filter((r) => r.outputSchema)).toHaveLength(1);
    expect(llm.calls).toHaveLength(1 + 2 + 2);
  });

  it("runs workers within the concurrency limit, even at a limit of one", async () => {
    const doc = structuredClone(EXAMPLE_WORKFLOWS["launch-plan"]);
    doc.settings = { concurrency: 1 };
    const llm = orchestratorLlm(3);
    const run = await runToEnd(
      compilePlan(doc),
      { product: "Maestro", launchDate: "soon" },
      makeTestPorts({ llm, tools }),
    );
    expect(run.last).toMatchObject({
      type: "run.completed",
      output: { plan: "plan from 3 streams" },
    });
    expect(llm.maxInFlight).toBe(1);
  });
});
