import { describe, expect, it } from "vitest";
import { EXAMPLE_WORKFLOWS } from "../examples";
import { chain, makeNode, makeWorkflow } from "../examples/build-workflow";
import { createFakeLlm, createFakeTools } from "./fake-ports";
import { compilePlan, makeTestPorts, runToEnd } from "./test-kit";

describe("human approval (fake LLM and tool ports)", () => {
  const plan = compilePlan(EXAMPLE_WORKFLOWS["blog-approval"]);
  const input = { topic: "Tide pools", keywords: ["crabs"] };
  const setup = () => {
    const llm = createFakeLlm(() => "Tide pools are tiny oceans.");
    const tools = createFakeTools({
      cms: { create_post: (args) => ({ url: "https://blog.example.com/tide-pools", ...args }) },
    });
    return { llm, tools, ports: makeTestPorts({ llm, tools }) };
  };

  it("pauses with run.waiting, showing the approver the rendered message, and calls nothing after", async () => {
    const { tools, ports } = setup();
    const run = await runToEnd(plan, input, ports, { runId: "post-1" });
    expect(run.last).toMatchObject({
      type: "run.waiting",
      waitingFor: [
        {
          stepId: "editor-review",
          message: "Publish this post about Tide pools?\n\nTide pools are tiny oceans.",
          approvers: ["editor"],
        },
      ],
    });
    expect(tools.calls).toEqual([]);
  });

  it("resumes on approval, publishing the stored draft without drafting it again", async () => {
    const { llm, tools, ports } = setup();
    await runToEnd(plan, input, ports, { runId: "post-1" });
    const resumed = await runToEnd(plan, input, ports, {
      runId: "post-1",
      approvals: { "editor-review": { approved: true, decidedBy: "ada" } },
    });

    expect(llm.calls).toHaveLength(1);
    expect(tools.calls).toEqual([
      {
        server: "cms",
        tool: "create_post",
        args: { title: "Tide pools", body: "Tide pools are tiny oceans.", status: "published" },
      },
    ]);
    expect(resumed.completed).toEqual(["editor-review", "publish", "published"]);
    expect(resumed.last).toMatchObject({
      type: "run.completed",
      output: { published: { url: "https://blog.example.com/tide-pools" } },
    });
  });

  it("resumes on rejection down the rejected branch, with the editor's comment", async () => {
    const { tools, ports } = setup();
    await runToEnd(plan, input, ports, { runId: "post-2" });
    const resumed = await runToEnd(plan, input, ports, {
      runId: "post-2",
      approvals: { "editor-review": { approved: false, comment: "Too short" } },
    });
    expect(tools.calls).toEqual([]);
    expect(resumed.of("step.completed").find((e) => e.stepId === "editor-review")).toMatchObject({
      port: "rejected",
    });
    expect(resumed.last).toMatchObject({
      type: "run.completed",
      output: {
        sentBack: { status: "sent back", topic: "Tide pools", editorComment: "Too short" },
      },
    });
  });
});

describe("dry runs with pinned outputs", () => {
  it("runs from pinned outputs and makes zero LLM or tool calls (fake ports that count calls)", async () => {
    const llm = createFakeLlm(() => "should not be called");
    const tools = createFakeTools({ "web-search": { search: () => [] } });
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["research-brief"]),
      { topic: "tides", audience: "kids" },
      makeTestPorts({ llm, tools }),
      {
        dryRun: true,
        pinnedOutputs: {
          outline: { output: { questions: ["Why?"] } },
          research: { output: "pinned notes" },
          write: { output: "pinned brief" },
        },
      },
    );
    expect(llm.calls).toEqual([]);
    expect(tools.calls).toEqual([]);
    expect(
      run
        .of("step.completed")
        .filter((e) => e.pinned)
        .map((e) => e.stepId),
    ).toEqual(["outline", "research", "write"]);
    expect(run.last).toMatchObject({ type: "run.completed", output: { brief: "pinned brief" } });
  });

  it("follows a pinned router's branch", async () => {
    const run = await runToEnd(
      compilePlan(EXAMPLE_WORKFLOWS["support-triage"]),
      { subject: "s", body: "b" },
      makeTestPorts(),
      {
        dryRun: true,
        pinnedOutputs: {
          classify: { output: { subject: "s" }, port: "account" },
          "account-reply": { output: "pinned reply" },
        },
      },
    );
    expect(run.last).toMatchObject({ type: "run.completed", output: { reply: "pinned reply" } });
  });

  it("fails an unpinned calling step in a dry run instead of calling the LLM (fake LLM port)", async () => {
    const llm = createFakeLlm(() => "should not be called");
    const doc = makeWorkflow({
      nodes: [makeNode("input", "in"), makeNode("llm", "ask", { prompt: "hi" })],
      edges: chain("in", "ask"),
    });
    const run = await runToEnd(compilePlan(doc), {}, makeTestPorts({ llm }), { dryRun: true });
    expect(llm.calls).toEqual([]);
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: { code: "DRY_RUN_UNPINNED", stepId: "ask" },
    });
  });

  it("says plainly when no LLM is configured", async () => {
    const doc = makeWorkflow({
      nodes: [makeNode("input", "in"), makeNode("llm", "ask", { prompt: "hi" })],
      edges: chain("in", "ask"),
    });
    const run = await runToEnd(compilePlan(doc), {}, makeTestPorts());
    expect(run.last).toMatchObject({
      type: "run.failed",
      error: {
        code: "LLM_NOT_CONFIGURED",
        message: expect.stringMatching(/No LLM provider is configured/),
      },
    });
  });
});
