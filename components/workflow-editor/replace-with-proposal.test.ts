import { describe, expect, it } from "vitest";
import { createEditorStore } from "./editor-store";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { replaceWithProposal } from "./replace-with-proposal";

const current = makeWorkflow({
  name: "Mine",
  settings: { concurrency: 2 },
  nodes: [makeNode("input", "in"), makeNode("output", "out")],
  edges: chain("in", "out"),
});
const proposal = makeWorkflow({
  name: "Proposed",
  description: "Planned automatically\n\nWhy each node:\n- request: the input",
  nodes: [
    makeNode("input", "request"),
    makeNode("llm", "write", { prompt: "{{input.task}}" }),
    makeNode("output", "result"),
  ],
  edges: chain("request", "write", "result"),
});

describe("replaceWithProposal", () => {
  it("swaps the nodes, edges and description in one undo step, keeping the name and settings", () => {
    const store = createEditorStore(current);
    store.getState().run(replaceWithProposal(proposal));
    const replaced = store.getState().document;
    expect(replaced.nodes.map((n) => n.id)).toEqual(["request", "write", "result"]);
    expect(replaced.edges).toEqual(proposal.edges);
    expect(replaced).toMatchObject({
      name: "Mine",
      settings: { concurrency: 2 },
      description: proposal.description,
    });
    expect(store.getState().past.map((e) => e.label)).toEqual(["Replace with the proposal"]);

    store.getState().undo();
    expect(store.getState().document).toEqual(current);
    store.getState().redo();
    expect(store.getState().document).toEqual(replaced);
  });
});
