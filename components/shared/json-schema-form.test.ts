import { describe, expect, it } from "vitest";
import { z } from "zod";
import { exampleValue, formSchemaOf } from "./json-schema-form";

const input = {
  type: "object",
  properties: {
    name: { type: "string", title: "Name", description: "Who it is for" },
    amount: { type: "integer", minimum: 1 },
    tone: { type: "string", enum: ["formal", "warm"] },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["name"],
};

describe("formSchemaOf", () => {
  it("turns an object's properties into fields that keep the schema's rules, titles and optionality", () => {
    const schema = formSchemaOf(input)!;
    expect(Object.keys(schema.shape)).toEqual(["name", "amount", "tone", "tags"]);
    expect(schema.shape.name).toBeInstanceOf(z.ZodString);
    expect(z.globalRegistry.get(schema.shape.name as z.ZodType)?.title).toBe("Name");
    expect(schema.shape.amount).toBeInstanceOf(z.ZodOptional);
    expect(schema.safeParse({ name: "Ada", amount: 0 }).success).toBe(false);
    expect(schema.safeParse({ name: "Ada", amount: 2, tone: "warm" }).success).toBe(true);
  });

  it("gives no fields for an object without properties, and none at all for anything else", () => {
    expect(Object.keys(formSchemaOf({ type: "object" })!.shape)).toEqual([]);
    expect(formSchemaOf({ type: "string" })).toBeNull();
    expect(formSchemaOf(null)).toBeNull();
  });
});

describe("exampleValue", () => {
  it("starts the JSON box with each property's empty value", () => {
    expect(exampleValue(input)).toEqual({ name: "", amount: 1, tone: "formal", tags: [] });
    expect(exampleValue(null)).toEqual({});
  });
});
