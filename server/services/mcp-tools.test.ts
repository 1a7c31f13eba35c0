import { describe, expect, it } from "vitest";
import {
  firstFreeToolName,
  toolInputShape,
  toolNameFromWorkflowName,
  toolNameInput,
  toolOutputSchema,
} from "./mcp-tools";

describe("MCP tool names", () => {
  it("are made from a workflow's name in the characters every client accepts", () => {
    expect(toolNameFromWorkflowName("Process a slow batch")).toBe("process_a_slow_batch");
    expect(toolNameFromWorkflowName("  Café — crème brûlée!  ")).toBe("cafe_creme_brulee");
    expect(toolNameFromWorkflowName("support-triage v2")).toBe("support-triage_v2");
    expect(toolNameFromWorkflowName("日本語")).toBe("workflow");
    const long = toolNameFromWorkflowName("a very long name ".repeat(10));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(toolNameInput.safeParse(long).success).toBe(true);
  });

  it("are numbered when taken, and still fit 64 characters", () => {
    expect(firstFreeToolName("brief", new Set())).toBe("brief");
    expect(firstFreeToolName("brief", new Set(["brief", "brief_2"]))).toBe("brief_3");
    const name = "x".repeat(64);
    expect(firstFreeToolName(name, new Set([name]))).toBe(`${"x".repeat(62)}_2`);
  });

  it("refuses names clients would not accept", () => {
    for (const bad of ["", "has space", "dot.ted", "x".repeat(65), "ünï"])
      expect(toolNameInput.safeParse(bad).success).toBe(false);
  });
});

describe("MCP tool schemas", () => {
  it("take the input node's object schema as it is, an open object without one, and wrap other types", () => {
    const object = {
      type: "object" as const,
      properties: { name: { type: "string" as const } },
      required: ["name"],
    };
    expect(toolInputShape({ inputSchema: object })).toEqual({ schema: object, isWrapped: false });
    expect(toolInputShape({ inputSchema: null })).toEqual({
      schema: { type: "object" },
      isWrapped: false,
    });
    expect(toolInputShape({ inputSchema: { type: "string" } })).toEqual({
      schema: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
      isWrapped: true,
    });
  });

  it("name the outputs without requiring any (a branch not taken leaves its output out)", () => {
    expect(
      toolOutputSchema({
        outputs: [
          { step: "a", name: "booked" },
          { step: "b", name: "refused" },
        ],
      }),
    ).toEqual({
      type: "object",
      properties: { booked: {}, refused: {} },
    });
  });
});
