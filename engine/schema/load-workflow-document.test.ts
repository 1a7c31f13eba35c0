import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { compileWorkflow } from "../compiler/compile-workflow";
import { loadWorkflowDocument } from "./load-workflow-document";

describe("loadWorkflowDocument", () => {
  it("opens a current document and drops view state the canvas may have left on it", () => {
    const doc = loadWorkflowDocument({
      version: 2,
      viewport: { x: 10, y: 20, zoom: 1.5 },
      nodes: [
        {
          id: "ask",
          kind: "llm",
          selected: true,
          dragging: false,
          position: { x: 1, y: 2 },
          config: { prompt: "Hi" },
        },
      ],
      edges: [],
    });
    expect(doc).toEqual({
      version: 2,
      nodes: [{ id: "ask", kind: "llm", position: { x: 1, y: 2 }, config: { prompt: "Hi" } }],
      edges: [],
    });
  });

  it("fills edge ports with their defaults", () => {
    const doc = loadWorkflowDocument({
      version: 2,
      nodes: [
        { id: "a", kind: "input" },
        { id: "b", kind: "output" },
      ],
      edges: [{ id: "e1", source: "a", target: "b" }],
    });
    expect(doc.edges[0]).toEqual({
      id: "e1",
      source: "a",
      sourcePort: "out",
      target: "b",
      targetPort: "in",
    });
  });

  it("migrates a version 1 workflow so it opens and compiles as before", () => {
    const v1 = {
      version: 1,
      name: "Old triage",
      selected: ["check"],
      nodes: [
        { id: "in", type: "input", x: 0, y: 0, data: { fields: ["subject"] } },
        {
          id: "check",
          type: "if",
          x: 200,
          y: 0,
          data: { expression: 'input.subject contains "refund"' },
        },
        {
          id: "refund",
          type: "agent",
          data: {
            systemPrompt: "Handle refunds",
            servers: ["billing"],
            tools: ["refund"],
            maxTurns: 4,
          },
        },
        {
          id: "reply",
          type: "prompt",
          data: { template: "Reply to {{input.subject}}", model: "gpt-4o-mini" },
        },
        { id: "out", type: "output", data: { name: "answer" } },
      ],
      connections: [
        { from: "in", to: "check" },
        { from: "check", to: "refund", branch: "then" },
        { from: "check", to: "reply", branch: "else" },
        { from: "refund", to: "out" },
        { from: "reply", to: "out" },
      ],
    };
    const doc = loadWorkflowDocument(v1);
    expect(doc.version).toBe(2);
    expect(doc.nodes.map((n) => n.kind)).toEqual(["input", "condition", "agent", "llm", "output"]);
    expect(doc.nodes[1]).toMatchObject({
      position: { x: 200, y: 0 },
      config: { when: 'input.subject contains "refund"' },
    });
    expect(doc.nodes[2]?.config).toEqual({
      instructions: "Handle refunds",
      mcpServers: ["billing"],
      allowedTools: ["refund"],
      maxSteps: 4,
    });
    expect(doc.nodes[3]?.config).toEqual({
      prompt: "Reply to {{input.subject}}",
      model: "gpt-4o-mini",
    });
    expect(doc.nodes[0]?.config).toEqual({
      schema: {
        type: "object",
        properties: { subject: { type: "string" } },
        required: ["subject"],
      },
    });
    expect(doc.edges.find((e) => e.target === "refund")).toMatchObject({
      id: "check->refund",
      sourcePort: "true",
    });
    expect(doc.edges.find((e) => e.target === "reply")).toMatchObject({ sourcePort: "false" });
    expect(compileWorkflow(doc).ok).toBe(true);
  });

  it("treats a document without a version (a brand-new `{}`) as an empty version 1 workflow", () => {
    expect(loadWorkflowDocument({})).toEqual({ version: 2, nodes: [], edges: [] });
  });

  it("refuses a version from the future, naming it", () => {
    expect(() => loadWorkflowDocument({ version: 7, nodes: [] })).toThrowError(
      /Unknown workflow document version 7/,
    );
  });

  it("reports where an invalid document is wrong, as INVALID_INPUT", () => {
    try {
      loadWorkflowDocument({ version: 2, nodes: [{ id: "9lives", kind: "llm" }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("INVALID_INPUT");
      expect((error as AppError).message).toMatch(/nodes\.0\.id/);
    }
  });
});
