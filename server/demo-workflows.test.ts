import { describe, expect, it } from "vitest";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import { createFakeClock } from "@/engine/runtime/clocks";
import { createFakeTools } from "@/engine/runtime/fake-ports";
import { createMemoryRunStore } from "@/engine/runtime/memory-ports";
import { collectRunEvents, runPlan } from "@/engine/runtime/run-plan";
import { demoWorkflows } from "./demo-workflows";

describe("the demo workflows", () => {
  const all = Object.values(demoWorkflows()).flat();

  it.each(all.map((w) => [w.name, w] as const))("%s compiles", (_name, workflow) => {
    const result = compileWorkflow(workflow.document as never);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("the offline ones run to the end with no LLM and no MCP server", async () => {
    const offline = ["Welcome a new teammate", "Approve an expense"].map((name) =>
      all.find((w) => w.name === name),
    );
    const ports = () => ({ clock: createFakeClock(), store: createMemoryRunStore() });
    const welcome = compileWorkflow(offline[0]!.document as never);
    if (!welcome.ok) throw new Error("does not compile");
    const events = await collectRunEvents(
      runPlan(welcome.plan, { name: "Ada" }, ports(), { runId: "w" }),
    );
    expect(events.at(-1)).toMatchObject({
      type: "run.completed",
      output: { welcome: { subject: "Welcome, Ada!" } },
    });

    const expense = compileWorkflow(offline[1]!.document as never);
    if (!expense.ok) throw new Error("does not compile");
    const store = createMemoryRunStore();
    const input = { item: "Train ticket", amount: 89 };
    const waiting = await collectRunEvents(
      runPlan(expense.plan, input, { clock: createFakeClock(), store }, { runId: "e" }),
    );
    expect(waiting.at(-1)).toMatchObject({
      type: "run.waiting",
      waitingFor: [{ stepId: "manager", message: "Approve 89 EUR for Train ticket?" }],
    });
    const done = await collectRunEvents(
      runPlan(
        expense.plan,
        input,
        { clock: createFakeClock(), store },
        { runId: "e", approvals: { manager: { approved: false, comment: "Fly instead" } } },
      ),
    );
    expect(done.at(-1)).toMatchObject({
      type: "run.completed",
      output: { refused: { refused: "Train ticket", reason: "Fly instead" } },
    });
  });

  it("the slow batch runs three long operations on the Everything server, one after another (fake tools)", async () => {
    const slow = all.find((w) => w.name === "Process a slow batch");
    const compiled = compileWorkflow(slow!.document as never, {
      toolCatalog: { everything: ["trigger-long-running-operation"] },
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const tools = createFakeTools({
      everything: {
        "trigger-long-running-operation": ({ duration }) => ({
          text: `Long running operation completed. Duration: ${String(duration)} seconds`,
        }),
      },
    });
    const events = await collectRunEvents(
      runPlan(
        compiled.plan,
        { name: "March invoices" },
        { clock: createFakeClock(), store: createMemoryRunStore(), tools },
        { runId: "s" },
      ),
    );
    expect(tools.calls.map((c) => [c.server, c.tool, c.args])).toEqual([
      ["everything", "trigger-long-running-operation", { duration: 8, steps: 8 }],
      ["everything", "trigger-long-running-operation", { duration: 8, steps: 8 }],
      ["everything", "trigger-long-running-operation", { duration: 4, steps: 4 }],
    ]);
    expect(tools.maxInFlight).toBe(1);
    expect(events.at(-1)).toMatchObject({
      type: "run.completed",
      output: {
        report: {
          batch: "March invoices",
          result: "Long running operation completed. Duration: 4 seconds",
        },
      },
    });
  });
});
