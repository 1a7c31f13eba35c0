import { describe, expect, it } from "vitest";
import { chain, connect, makeNode, makeWorkflow } from "../examples";
import { diffWorkflowDocuments, hasChanges } from "./diff-workflow-documents";

const base = makeWorkflow({
  name: "Brief",
  nodes: [
    makeNode("input", "in", undefined, { position: { x: 0, y: 0 } }),
    makeNode(
      "llm",
      "write",
      { prompt: "Write about {{input.topic}}" },
      { label: "Write", position: { x: 200, y: 0 } },
    ),
    makeNode("output", "out", { name: "brief" }, { position: { x: 400, y: 0 } }),
  ],
  edges: chain("in", "write", "out"),
});

const edit = (change: (doc: typeof base) => void) => {
  const copy = structuredClone(base);
  change(copy);
  return copy;
};

describe("diffWorkflowDocuments", () => {
  it("finds nothing between a document and itself", () => {
    const diff = diffWorkflowDocuments(base, structuredClone(base));
    expect(diff).toEqual({
      nodes: { added: [], removed: [], changed: [], moved: [] },
      edges: { added: [], removed: [] },
      settingsChanged: [],
    });
    expect(hasChanges(diff)).toBe(false);
  });

  it("reports a moved node apart from changes: layout is not behaviour", () => {
    const diff = diffWorkflowDocuments(
      base,
      edit((d) => void (d.nodes[1]!.position = { x: 250, y: 40 })),
    );
    expect(diff.nodes.moved).toEqual(["write"]);
    expect(diff.nodes.changed).toEqual([]);
    expect(hasChanges(diff)).toBe(false);
  });

  it("lists label, config and policy changes by path, with both values", () => {
    const after = edit((d) => {
      const write = d.nodes[1]!;
      write.label = "Draft";
      if (write.kind === "llm")
        write.config = { prompt: "Write 3 bullets about {{input.topic}}", temperature: 0.2 };
      write.policy = { retry: { maxAttempts: 3 } };
    });
    const diff = diffWorkflowDocuments(base, after);
    expect(diff.nodes.changed).toEqual([
      {
        id: "write",
        kind: "llm",
        label: "Draft",
        fields: [
          { path: "label", before: "Write", after: "Draft" },
          {
            path: "config.prompt",
            before: "Write about {{input.topic}}",
            after: "Write 3 bullets about {{input.topic}}",
          },
          { path: "config.temperature", before: undefined, after: 0.2 },
          { path: "policy.retry.maxAttempts", before: undefined, after: 3 },
        ],
      },
    ]);
    expect(hasChanges(diff)).toBe(true);
  });

  it("compares arrays in config as one value", () => {
    const before = makeWorkflow({
      nodes: [makeNode("agent", "a", { allowedTools: ["search", "fetch"] })],
    });
    const after = makeWorkflow({
      nodes: [makeNode("agent", "a", { allowedTools: ["fetch", "search", "post"] })],
    });
    expect(diffWorkflowDocuments(before, after).nodes.changed[0]?.fields).toEqual([
      {
        path: "config.allowedTools",
        before: ["search", "fetch"],
        after: ["fetch", "search", "post"],
      },
    ]);
  });

  it("reports a node whose kind changed under the same id as changed, with its kind", () => {
    const after = edit(
      (d) =>
        void (d.nodes[1] = {
          id: "write",
          kind: "agent",
          label: "Write",
          position: { x: 200, y: 0 },
          config: { prompt: "Write" },
        }),
    );
    const [change] = diffWorkflowDocuments(base, after).nodes.changed;
    expect(change).toMatchObject({ id: "write", kind: "agent" });
    expect(change?.fields[0]).toEqual({ path: "kind", before: "llm", after: "agent" });
  });

  it("lists added and removed nodes and edges; a rewired edge is removed and added", () => {
    const after = edit((d) => {
      d.nodes.splice(2, 1);
      d.nodes.push(
        { id: "review", kind: "human-approval", config: {} },
        { id: "final", kind: "output", label: "Final", config: {} },
      );
      const wire = (e: ReturnType<typeof connect>) => ({
        ...e,
        sourcePort: e.sourcePort ?? "out",
        targetPort: "in",
      });
      d.edges = [
        d.edges[0]!,
        wire(connect("write", "review")),
        wire(connect("review", "final", "approved")),
      ];
    });
    const diff = diffWorkflowDocuments(base, after);
    expect(diff.nodes.added).toEqual([
      { id: "review", kind: "human-approval", label: undefined },
      { id: "final", kind: "output", label: "Final" },
    ]);
    expect(diff.nodes.removed).toEqual([{ id: "out", kind: "output", label: undefined }]);
    expect(diff.edges.removed).toEqual([
      { id: "write->out", source: "write", sourcePort: "out", target: "out", targetPort: "in" },
    ]);
    expect(diff.edges.added.map((e) => e.id)).toEqual(["write->review", "review.approved->final"]);

    const rewired = edit((d) => void (d.edges[1] = { ...d.edges[1]!, target: "in" }));
    const rewiredDiff = diffWorkflowDocuments(base, rewired);
    expect(rewiredDiff.edges.removed.map((e) => e.target)).toEqual(["out"]);
    expect(rewiredDiff.edges.added.map((e) => e.target)).toEqual(["in"]);
  });

  it("lists changes to the document's name, description and settings", () => {
    const after = edit((d) => {
      d.name = "Brief v2";
      d.settings = { concurrency: 4, retry: { maxAttempts: 2 } };
    });
    expect(diffWorkflowDocuments(base, after).settingsChanged).toEqual([
      { path: "name", before: "Brief", after: "Brief v2" },
      { path: "settings.concurrency", before: undefined, after: 4 },
      { path: "settings.retry.maxAttempts", before: undefined, after: 2 },
    ]);
  });
});
