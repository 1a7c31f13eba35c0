import { describe, expect, it } from "vitest";
import { EMPTY_ITEM_FORM, formToItem, itemToForm, previewJson } from "./item-form";

describe("the item form", () => {
  it("turns the form into an item: JSON input, text reference, comma-separated tags", () => {
    expect(
      formToItem({
        id: "",
        input: '{"name":"Ada"}',
        reference: "Hello, Ada!",
        referenceKind: "text",
        tags: "vip, new ,,",
      }),
    ).toEqual({
      ok: true,
      item: { input: { name: "Ada" }, reference: "Hello, Ada!", tags: ["vip", "new"] },
    });
    expect(
      formToItem({
        id: " case-1 ",
        input: "{}",
        reference: '{"total": 3}',
        referenceKind: "json",
        tags: "",
      }),
    ).toEqual({
      ok: true,
      item: { id: "case-1", input: {}, reference: { total: 3 }, tags: [] },
    });
    // No reference: none is sent, even with text left in the box.
    const none = formToItem({
      ...EMPTY_ITEM_FORM,
      input: '{"a":1}',
      reference: "left over",
      referenceKind: "none",
    });
    expect(none).toEqual({ ok: true, item: { input: { a: 1 }, tags: [] } });
  });

  it("says clearly what is wrong with the input and the reference", () => {
    const broken = formToItem({ ...EMPTY_ITEM_FORM, input: '{"name": Ada}' });
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors.input).toMatch(/^The input is not valid JSON: /);
    expect(formToItem({ ...EMPTY_ITEM_FORM, input: "[1, 2]" })).toEqual({
      ok: false,
      errors: {
        input:
          'The input must be a JSON object of the workflow\'s input fields, e.g. {"name": "Ada"}',
      },
    });
    const reference = formToItem({
      ...EMPTY_ITEM_FORM,
      input: "{}",
      reference: "{oops",
      referenceKind: "json",
    });
    expect(reference.ok).toBe(false);
    if (!reference.ok)
      expect(reference.errors.reference).toMatch(/^The reference is not valid JSON: /);
    const tag = formToItem({ ...EMPTY_ITEM_FORM, input: "{}", tags: "x".repeat(65) });
    expect(tag).toEqual({ ok: false, errors: { tags: "Tag 1: a tag has at most 64 characters" } });
  });

  it("shows a stored item for editing, and reads it back unchanged", () => {
    const item = { id: "i1", input: { name: "Ada" }, reference: { total: 3 }, tags: ["a", "b"] };
    const form = itemToForm(item);
    expect(form).toMatchObject({ id: "i1", referenceKind: "json", tags: "a, b" });
    expect(formToItem(form)).toEqual({ ok: true, item });
    expect(itemToForm({ id: "i2", input: {}, tags: [] }).referenceKind).toBe("none");
    expect(itemToForm({ id: "i3", input: {}, reference: "Hi", tags: [] })).toMatchObject({
      referenceKind: "text",
      reference: "Hi",
    });
  });

  it("previews JSON in one short line", () => {
    expect(previewJson({ name: "Ada" })).toBe('{"name":"Ada"}');
    expect(previewJson("x".repeat(200), 10)).toBe("xxxxxxxxx…");
    expect(previewJson(undefined)).toBe("");
  });
});
