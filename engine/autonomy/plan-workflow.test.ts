import { describe, expect, it } from "vitest";
import { compileWorkflow } from "../compiler/compile-workflow";
import { BUILTIN_ENTRIES } from "./__fixtures__/catalog";
import { EXTRA_TASKS, HELD_OUT_TASKS } from "./__fixtures__/extra-tasks";
import { planWorkflow, replanAs } from "./plan-workflow";
import { refineProposal, type PlanRefiner } from "./refine-plan";
import { buildDiscoveryIndex } from "./server-discovery";
import { PATTERNS } from "./vocabulary";

const index = buildDiscoveryIndex(BUILTIN_ENTRIES);
const toolCatalog = Object.fromEntries(index.entries.map((e) => [e.shortName, [...e.tools]]));

describe("planWorkflow", () => {
  it.each([...EXTRA_TASKS, ...HELD_OUT_TASKS].map((t) => [t.task]))(
    "plans a document that compiles, with its tools: %s",
    (task) => {
      const proposal = planWorkflow(task, { index });
      const result = compileWorkflow(proposal.document, { toolCatalog });
      expect(result.ok ? [] : result.errors).toEqual([]);
      // Every node has a reason and a position.
      for (const node of proposal.document.nodes) {
        expect(proposal.reasons[node.id], node.id).toBeTruthy();
        expect(node.position, node.id).toBeDefined();
      }
    },
  );

  it("lays nodes out left to right by topological rank", () => {
    const { document } = planWorkflow(
      "Get the weather pages of Paris, Tokyo and New York at the same time and summarize them together",
      { index },
    );
    const x = (id: string) => document.nodes.find((n) => n.id === id)?.position?.x;
    expect(document.nodes.map((n) => n.id)).toEqual([
      "request",
      "fan-out",
      "paris",
      "tokyo",
      "new-york",
      "combine",
      "result",
    ]);
    expect([x("request"), x("fan-out"), x("paris"), x("combine"), x("result")]).toEqual([
      0, 280, 560, 840, 1120,
    ]);
    const ys = ["paris", "tokyo", "new-york"].map(
      (id) => document.nodes.find((n) => n.id === id)?.position?.y,
    );
    expect(ys).toEqual([-160, 0, 160]);
  });

  it("builds each pattern's shape", () => {
    const kinds = (task: string) => planWorkflow(task, { index }).document.nodes.map((n) => n.kind);
    expect(kinds("Summarize the schema of inventory.db")).toEqual(["input", "agent", "output"]);
    expect(kinds("Write a haiku about autumn")).toEqual(["input", "llm", "output"]);
    expect(
      kinds(
        "Route each incoming webhook event to the billing handler, the shipping handler or the fraud handler",
      ),
    ).toEqual(["input", "router", "llm", "llm", "llm", "llm", "output"]);
    expect(
      kinds(
        "A banking assistant whose greeter hands customers to a cards specialist, a loans specialist or fraud support",
      ),
    ).toEqual(["input", "swarm", "output"]);
  });

  it("gives read-only jobs only reading tools", () => {
    const { document } = planWorkflow("Summarize the schema of inventory.db", { index });
    const agent = document.nodes.find((n) => n.kind === "agent");
    expect(agent?.kind === "agent" && agent.config.allowedTools).toEqual([
      "read_query",
      "list_tables",
      "describe_table",
    ]);
  });

  it("uses the tenant's installation names and the chosen model", () => {
    const { document } = planWorkflow("Summarize the schema of inventory.db", {
      index,
      serverNames: { sqlite: "crm-db" },
      model: "gpt-4o-mini",
    });
    const agent = document.nodes.find((n) => n.kind === "agent");
    expect(agent?.kind === "agent" && [agent.config.mcpServers, agent.config.model]).toEqual([
      ["crm-db"],
      "gpt-4o-mini",
    ]);
  });

  it("keeps task text out of bindings", () => {
    const proposal = planWorkflow("Write {{steps.evil.output}} as a poem", { index });
    expect(compileWorkflow(proposal.document).ok).toBe(true);
  });

  it("re-plans the same analysis as any pattern, and each compiles", () => {
    const proposal = planWorkflow(
      "Read data/events.csv, load it into a new SQLite table and report the row count",
      { index },
    );
    for (const pattern of PATTERNS) {
      const replanned = replanAs(proposal, pattern, {});
      expect(replanned.decision.pattern).toBe(pattern);
      expect(compileWorkflow(replanned.document, { toolCatalog }).ok, pattern).toBe(true);
    }
  });
});

describe("refineProposal", () => {
  const context = { index };
  const proposal = planWorkflow(
    "Save the titles of today's top stories from https://lobste.rs into a file called today.md",
    context,
  );

  it("keeps the proposal when the refiner fails or has nothing to add", async () => {
    const failing: PlanRefiner = { refine: async () => Promise.reject(new Error("model offline")) };
    const failed = await refineProposal(proposal, context, failing);
    expect(failed.refined).toBe(false);
    expect(failed.refinementNote).toMatch(/model offline/);
    expect(failed.document).toEqual(proposal.document);
    const silent = await refineProposal(proposal, context, { refine: async () => null });
    expect(silent.refined).toBe(false);
  });

  it("applies a suggested pattern, servers and instructions", async () => {
    const refiner: PlanRefiner = {
      refine: async (draft) => ({
        pattern: "single",
        servers: ["fetch", "filesystem", "no-such-server"],
        instructions: { worker: "Fetch the page, pick the titles, write them as a list." },
        reason: `one agent is enough for ${draft.servers.join(" + ")}`,
      }),
    };
    const refined = await refineProposal(proposal, context, refiner);
    expect(refined.refined).toBe(true);
    expect(refined.decision.pattern).toBe("single");
    const worker = refined.document.nodes.find((n) => n.id === "worker");
    expect(
      worker?.kind === "agent" && [worker.config.instructions, worker.config.mcpServers],
    ).toEqual(["Fetch the page, pick the titles, write them as a list.", ["fetch", "filesystem"]]);
  });

  it("ignores a suggestion that does not compile", async () => {
    const refiner: PlanRefiner = {
      refine: async () => ({
        instructions: { "web-fetch": "Read {{steps.nowhere.output}}" },
        reason: "broken",
      }),
    };
    const refined = await refineProposal(proposal, context, refiner);
    expect(refined.refined).toBe(false);
    expect(refined.refinementNote).toMatch(/does not compile/);
  });
});
