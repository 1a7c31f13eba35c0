import { describe, expect, it } from "vitest";
import { checkTools, describeTool } from "./tool-schemas";

describe("tool listings are judged one tool at a time", () => {
  const good = {
    name: "echo",
    description: "Echoes",
    inputSchema: {
      type: "object",
      properties: { message: { type: "string" } },
      required: ["message"],
    },
  };

  it("keeps good tools usable, with a validator for their arguments", () => {
    const [tool] = checkTools([good]);
    expect(tool?.unusableReason).toBeNull();
    expect(tool?.validateInput?.({ message: "hi" }).valid).toBe(true);
    expect(tool?.validateInput?.({ message: 5 }).valid).toBe(false);
  });

  it("marks each kind of bad schema unusable with its reason, and leaves the others alone", () => {
    const tools = checkTools([
      good,
      { name: "no-schema" },
      { name: "string-root", inputSchema: { type: "string" } },
      { name: "bad-required", inputSchema: { type: "object", required: "message" } },
      { name: "bad-property", inputSchema: { type: "object", properties: { a: 5 } } },
      {
        name: "dangling-ref",
        inputSchema: { type: "object", properties: { a: { $ref: "#/$defs/nope" } } },
      },
      {
        name: "bad-output",
        inputSchema: { type: "object" },
        outputSchema: { type: "object", properties: { a: { $ref: "#/nowhere" } } },
      },
      { description: "no name" },
      good,
    ]);
    const reasons = Object.fromEntries(tools.map((t, i) => [`${i}:${t.name}`, t.unusableReason]));
    expect(reasons).toMatchObject({
      "0:echo": null,
      "1:no-schema": expect.stringContaining("not an object"),
      "2:string-root": expect.stringContaining('type must be "object"'),
      "3:bad-required": expect.stringContaining("required must be a list"),
      "4:bad-property": expect.stringContaining("properties.a is not an object"),
      "5:dangling-ref": expect.stringMatching(/reference|resolve/i),
      "6:bad-output": expect.stringContaining("invalid output schema"),
      "7:#8": "the tool has no name",
      "8:echo": expect.stringContaining("same name"),
    });
  });

  it("describes a tool without its compiled validators", () => {
    const [tool] = checkTools([good]);
    expect(Object.keys(describeTool(tool!))).not.toContain("validateInput");
    expect(JSON.parse(JSON.stringify(describeTool(tool!)))).toMatchObject({
      name: "echo",
      unusableReason: null,
    });
  });
});
