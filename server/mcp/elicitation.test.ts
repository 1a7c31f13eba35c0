import { describe, expect, it } from "vitest";
import {
  checkElicitationAnswer,
  parseElicitationRequest,
  ElicitationRefusedError,
} from "./elicitation";

const form = (properties: Record<string, unknown>, required?: string[]) => ({
  mode: "form",
  message: "Tell us",
  requestedSchema: { type: "object", properties, ...(required ? { required } : {}) },
});

describe("parseElicitationRequest", () => {
  it("reads a flat form with every primitive kind and treats a missing mode as form", () => {
    const req = parseElicitationRequest({
      message: "m",
      requestedSchema: {
        type: "object",
        properties: {
          name: { type: "string", minLength: 2, format: "email" },
          n: { type: "integer", minimum: 1, maximum: 5, default: 2 },
          ok: { type: "boolean" },
          color: { type: "string", enum: ["red", "blue"], enumNames: ["Red", "Blue"] },
          tags: { type: "array", items: { anyOf: [{ const: "a", title: "A" }] } },
        },
        required: ["name"],
      },
    });
    expect(req.mode).toBe("form");
    if (req.mode !== "form") return;
    const props = req.requestedSchema.properties as Record<string, Record<string, unknown>>;
    expect(props.color).toMatchObject({
      type: "string",
      oneOf: [
        { const: "red", title: "Red" },
        { const: "blue", title: "Blue" },
      ],
    });
    expect(props.n).toMatchObject({ type: "integer", minimum: 1, maximum: 5, default: 2 });
    expect(req.requestedSchema.required).toEqual(["name"]);
  });

  it("refuses nested objects, unknown types and formats with a message naming the property", () => {
    expect(() =>
      parseElicitationRequest(form({ addr: { type: "object", properties: {} } })),
    ).toThrow(/"addr"/);
    expect(() => parseElicitationRequest(form({ f: { type: "null" } }))).toThrow(
      ElicitationRefusedError,
    );
    expect(() => parseElicitationRequest(form({ f: { type: "string", format: "ipv4" } }))).toThrow(
      /format/,
    );
    expect(() =>
      parseElicitationRequest({ message: "m", requestedSchema: { type: "array" } }),
    ).toThrow(/object schema/);
  });

  it("refuses oversized and deeply nested requests", () => {
    const big = form(
      Object.fromEntries(
        Array.from({ length: 2000 }, (_, i) => [
          `p${i}`,
          { type: "string", description: "x".repeat(40) },
        ]),
      ),
    );
    expect(() => parseElicitationRequest(big)).toThrow(/larger than/);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 20; i++) deep = { a: deep };
    expect(() => parseElicitationRequest({ message: "m", requestedSchema: deep })).toThrow(
      /deeply/,
    );
  });

  it("accepts https URL mode and refuses other schemes and embedded credentials", () => {
    expect(
      parseElicitationRequest({
        mode: "url",
        message: "m",
        url: "https://pay.example.com/x",
        elicitationId: "e1",
      }),
    ).toEqual({
      mode: "url",
      message: "m",
      url: "https://pay.example.com/x",
      elicitationId: "e1",
    });
    for (const url of [
      "javascript:alert(1)",
      "http://evil.example.com/",
      "https://u:p@example.com/",
    ])
      expect(() =>
        parseElicitationRequest({ mode: "url", message: "m", url, elicitationId: "e" }),
      ).toThrow(ElicitationRefusedError);
    expect(() =>
      parseElicitationRequest({ mode: "url", message: "m", url: "https://x.example" }),
    ).toThrow(/elicitationId/);
  });
});

describe("checkElicitationAnswer", () => {
  const req = parseElicitationRequest(
    form(
      {
        email: { type: "string", format: "email" },
        n: { type: "integer", minimum: 1, maximum: 3 },
        note: { type: "string" },
      },
      ["email"],
    ),
  );

  it("accepts a fitting answer and drops empty optional fields", () => {
    const r = checkElicitationAnswer(req, {
      action: "accept",
      content: { email: "a@b.io", n: 2, note: "" },
    });
    expect(r).toEqual({
      ok: true,
      answer: { action: "accept", content: { email: "a@b.io", n: 2 } },
    });
  });

  it("reads only the answer's own fields: an empty optional field named like an object method is empty", () => {
    const request = parseElicitationRequest(
      form({
        constructor: { type: "string" },
        toString: { type: "number" },
        name: { type: "string" },
      }),
    );
    expect(checkElicitationAnswer(request, { action: "accept", content: { name: "Ada" } })).toEqual(
      {
        ok: true,
        answer: { action: "accept", content: { name: "Ada" } },
      },
    );
    expect(() =>
      parseElicitationRequest(
        JSON.parse(
          '{"message":"m","requestedSchema":{"type":"object","properties":{"__proto__":{"type":"string"}}}}',
        ),
      ),
    ).toThrow(/may not be named "__proto__"/);
  });

  it("lists every problem of an answer that does not fit", () => {
    const r = checkElicitationAnswer(req, {
      action: "accept",
      content: { email: "nope", n: 2.5, extra: "x" },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        '"extra" was not asked for',
        '"email" must be a valid email',
        '"n" must be a whole number',
      ]),
    );
    expect(checkElicitationAnswer(req, { action: "accept", content: {} })).toMatchObject({
      ok: false,
      problems: ['"email" is required'],
    });
  });

  it("passes decline and cancel without content, and never forwards content in URL mode", () => {
    expect(checkElicitationAnswer(req, { action: "decline", content: { email: "x" } })).toEqual({
      ok: true,
      answer: { action: "decline" },
    });
    const url = parseElicitationRequest({
      mode: "url",
      message: "m",
      url: "https://a.example",
      elicitationId: "e",
    });
    expect(checkElicitationAnswer(url, { action: "accept", content: { token: "secret" } })).toEqual(
      { ok: true, answer: { action: "accept" } },
    );
    expect(checkElicitationAnswer(url, { action: "maybe" }).ok).toBe(false);
  });
});
