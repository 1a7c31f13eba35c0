import { describe, expect, it } from "vitest";
import { makeNode } from "@/engine/examples";
import { NODE_KINDS, NodeConfigSchemas } from "@/engine/schema/node-config";
import type { WorkflowNode } from "@/engine/schema/workflow-document";
import { NODE_KIND_LIST, NODE_KIND_REGISTRY, configSchemaOf, summarizeNode } from "./node-kinds";

describe("the node-kind registry", () => {
  it("has one entry per engine kind, in the engine's order, each pointing at the engine's config schema", () => {
    expect(NODE_KIND_LIST.map((info) => info.kind)).toEqual(NODE_KINDS);
    for (const kind of NODE_KINDS) {
      expect(NODE_KIND_REGISTRY[kind].kind).toBe(kind);
      expect(configSchemaOf(kind)).toBe(NodeConfigSchemas[kind]);
    }
  });

  it("names every kind once, with a description and a colour", () => {
    const labels = NODE_KIND_LIST.map((info) => info.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const info of NODE_KIND_LIST) {
      expect(info.description).not.toBe("");
      expect(info.colour).toMatch(/^text-/);
    }
  });

  it("summarizes a node by its settings, and says what is missing", () => {
    expect(
      summarizeNode(makeNode("tool", "t", { server: "github", tool: "search" }) as WorkflowNode),
    ).toBe("github › search");
    expect(summarizeNode(makeNode("tool", "t") as WorkflowNode)).toBe("No tool chosen");
    expect(summarizeNode(makeNode("llm", "l", { prompt: "x".repeat(80) }) as WorkflowNode)).toBe(
      `${"x".repeat(59)}…`,
    );
  });
});
