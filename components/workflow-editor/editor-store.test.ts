import { describe, expect, it } from "vitest";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import { copyNodes, parseClipboard, pasteNodes } from "./clipboard";
import {
  addNode,
  connectPorts,
  deleteElements,
  freeNodeId,
  moveNodes,
  updateNode,
  updateSettings,
} from "./document-commands";
import { createEditorStore } from "./editor-store";
import { layoutDocument, NODE_HEIGHT, NODE_WIDTH } from "./layout";

const brief = () =>
  makeWorkflow({
    name: "Brief",
    nodes: [
      makeNode("input", "in", {}, { position: { x: 0, y: 0 } }),
      makeNode(
        "llm",
        "write",
        { prompt: "About {{input.topic}}" },
        { position: { x: 300, y: 0 }, policy: { fallback: "backup" } },
      ),
      makeNode(
        "transform",
        "backup",
        { template: { text: "{{steps.write.output}}" } },
        { position: { x: 300, y: 200 } },
      ),
      makeNode(
        "output",
        "out",
        { value: "{{steps.write.output}}" },
        { position: { x: 600, y: 0 } },
      ),
    ],
    edges: chain("in", "write", "out"),
  });

const ids = (store: ReturnType<typeof createEditorStore>) =>
  store.getState().document.nodes.map((n) => n.id);

describe("editor store", () => {
  it("undoes and redoes each command, one step each, and bumps the revision autosave watches", () => {
    const store = createEditorStore(brief());
    const original = store.getState().document;
    const commands = [
      addNode("agent", { x: 10.4, y: 20.6 }, "agent"),
      connectPorts({ source: "write", sourcePort: "out", target: "agent", targetPort: "in" }),
      updateNode("agent", { label: "Researcher", config: { instructions: "Dig" } }),
      moveNodes(new Map([["in", { x: -50, y: 5 }]])),
      updateSettings({ concurrency: 2 }),
      deleteElements(["write"], []),
    ];
    const states = [original];
    for (const command of commands) {
      store.getState().run(command);
      states.push(store.getState().document);
    }
    expect(store.getState().revision).toBe(commands.length);
    expect(store.getState().past.map((e) => e.label)).toEqual([
      "Add Agent",
      "Connect",
      "Edit node",
      "Move",
      "Edit workflow settings",
      "Delete 1 node",
    ]);
    // Deleting a node takes its edges along.
    expect(
      store.getState().document.edges.some((e) => e.source === "write" || e.target === "write"),
    ).toBe(false);

    for (let i = commands.length - 1; i >= 0; i--) {
      store.getState().undo();
      expect(store.getState().document).toEqual(states[i]);
    }
    store.getState().undo(); // nothing left: no change
    expect(store.getState().document).toEqual(original);
    for (let i = 1; i <= commands.length; i++) {
      store.getState().redo();
      expect(store.getState().document).toEqual(states[i]);
    }
    expect(store.getState().revision).toBe(commands.length * 3);
  });

  it("a new command after an undo drops the redo steps; a command that changes nothing is not a step", () => {
    const store = createEditorStore(brief());
    store.getState().run(addNode("agent", { x: 0, y: 0 }, "agent"));
    store.getState().undo();
    store.getState().run(addNode("tool", { x: 0, y: 0 }, "tool"));
    expect(store.getState().future).toHaveLength(0);
    store
      .getState()
      .run(connectPorts({ source: "in", sourcePort: "out", target: "write", targetPort: "in" })); // exists already
    expect(store.getState().past.map((e) => e.label)).toEqual(["Add Tool"]);
  });

  it("a drag is one undo step however many moves it made", () => {
    const store = createEditorStore(brief());
    for (let x = 1; x <= 30; x++)
      store.getState().dragNodes(
        new Map([
          ["write", { x: 300 + x * 3, y: x }],
          ["out", { x: 600 + x * 3, y: x }],
        ]),
      );
    store.getState().endDrag();
    expect(store.getState().past.map((e) => e.label)).toEqual(["Move 2 nodes"]);
    expect(store.getState().document.nodes.find((n) => n.id === "out")?.position).toEqual({
      x: 690,
      y: 30,
    });
    store.getState().undo();
    expect(store.getState().document).toEqual(brief());
    store.getState().redo();
    expect(store.getState().document.nodes.find((n) => n.id === "write")?.position).toEqual({
      x: 390,
      y: 30,
    });
  });

  it("keeps the selection to what still exists after an undo", () => {
    const store = createEditorStore(brief());
    store.getState().run(addNode("agent", { x: 0, y: 0 }, "agent"), { nodes: ["agent"] });
    expect(store.getState().selectedNodeIds).toEqual(["agent"]);
    store.getState().undo();
    expect(store.getState().selectedNodeIds).toEqual([]);
  });
});

describe("copy and paste", () => {
  it("pastes copies with fresh ids, keeping their edges, fallbacks and step references to each other", () => {
    const store = createEditorStore(brief());
    const clipboard = parseClipboard(
      JSON.stringify(copyNodes(store.getState().document, ["write", "backup", "out"])),
    )!;
    expect(clipboard.edges.map((e) => e.id)).toEqual(["write->out"]); // the edge from "in" stays behind

    const { command, ids: pasted } = pasteNodes(store.getState().document, clipboard, {
      x: 40,
      y: 40,
    });
    store.getState().run(command, { nodes: pasted });
    expect(pasted).toEqual(["write-2", "backup-2", "out-2"]);
    expect(store.getState().selectedNodeIds).toEqual(pasted);
    const doc = store.getState().document;
    const node = (id: string) => doc.nodes.find((n) => n.id === id)!;
    expect(node("write-2")).toMatchObject({
      policy: { fallback: "backup-2" },
      position: { x: 340, y: 40 },
    });
    expect(node("out-2").config).toEqual({ value: "{{steps.write-2.output}}" });
    expect(doc.edges.at(-1)).toMatchObject({ source: "write-2", target: "out-2" });
    // The originals are untouched.
    expect(node("out").config).toEqual({ value: "{{steps.write.output}}" });
    store.getState().undo();
    expect(store.getState().document).toEqual(brief());
  });

  it("pastes into another workflow; text that is not copied nodes pastes nothing", () => {
    const text = JSON.stringify(copyNodes(brief(), ["write"]));
    const other = createEditorStore(makeWorkflow({ nodes: [makeNode("input", "in")], edges: [] }));
    const { command, ids: pasted } = pasteNodes(other.getState().document, parseClipboard(text)!, {
      x: 0,
      y: 0,
    });
    other.getState().run(command);
    expect(pasted).toEqual(["write"]);
    expect(ids(other)).toEqual(["in", "write"]);
    expect(parseClipboard("hello")).toBeNull();
    expect(
      parseClipboard(
        JSON.stringify({
          format: "maestro.nodes",
          nodes: [{ id: "1bad", kind: "llm" }],
          edges: [],
        }),
      ),
    ).toBeNull();
  });

  it("finds free ids that stay valid step names", () => {
    expect(freeNodeId(new Set(), "agent")).toBe("agent");
    expect(freeNodeId(new Set(["agent", "agent-2"]), "agent")).toBe("agent-3");
    expect(freeNodeId(new Set(["agent", "agent-2"]), "agent-2")).toBe("agent-3");
    expect(freeNodeId(new Set(), "human approval")).toBe("human-approval");
  });
});

describe("auto-layout", () => {
  it("places every node left to right by dependency, without overlaps, as one undo step", () => {
    const store = createEditorStore(brief());
    const positions = layoutDocument(store.getState().document);
    store.getState().run(moveNodes(positions, "Auto-layout"));
    const at = (id: string) => store.getState().document.nodes.find((n) => n.id === id)!.position!;
    expect(at("in").x).toBeLessThan(at("write").x);
    expect(at("write").x).toBeLessThan(at("out").x);
    const boxes = store.getState().document.nodes.map((n) => n.position!);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        expect(Math.abs(a.x - b.x) >= NODE_WIDTH || Math.abs(a.y - b.y) >= NODE_HEIGHT).toBe(true);
      }
    }
    store.getState().undo();
    expect(store.getState().document).toEqual(brief());
  });
});

describe("field problems (text a field's schema refuses)", () => {
  const warning = {
    code: "COMPILE_UNREACHABLE",
    severity: "warning",
    message: "Never runs",
    nodeId: "backup",
  } as const;

  it("are errors in the problems list beside the compiler's, kept across compiles, until the field is fine again", () => {
    const store = createEditorStore(brief());
    store.getState().setDiagnostics([warning]);
    store
      .getState()
      .setFieldProblem(
        { nodeId: "out", field: "config.value" },
        { message: "Value: Not valid JSON", text: "{oops" },
      );
    const problem = {
      code: "COMPILE_INVALID_CONFIG",
      severity: "error",
      message: "Value: Not valid JSON",
      nodeId: "out",
      field: "config.value",
    };
    expect(store.getState().diagnostics).toEqual([problem, warning]);

    // The next compile (after any change) keeps it: the compiler cannot see what the field holds.
    store.getState().setDiagnostics([]);
    expect(store.getState().diagnostics).toEqual([problem]);
    expect(store.getState().fieldProblems).toEqual([
      { nodeId: "out", field: "config.value", message: "Value: Not valid JSON", text: "{oops" },
    ]);

    store.getState().setFieldProblem({ nodeId: "out", field: "config.value" }, null);
    expect(store.getState().diagnostics).toEqual([]);
  });

  it("go with their node when it is deleted", () => {
    const store = createEditorStore(brief());
    store
      .getState()
      .setFieldProblem(
        { nodeId: "out", field: "config.value" },
        { message: "Value: Not valid JSON", text: "{oops" },
      );
    store.getState().run(deleteElements(["out"], []));
    store.getState().setDiagnostics([]);
    expect(store.getState().diagnostics).toEqual([]);
    expect(store.getState().fieldProblems).toEqual([]);
  });
});
