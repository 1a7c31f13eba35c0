import { describe, expect, it } from "vitest";
import { suggestMapping } from "@/engine/evaluation";
import {
  describeProblem,
  formatOfFileName,
  formToMapping,
  mappingToForm,
  type MappingForm,
} from "./import-mapping";

const form = (columns: MappingForm["columns"], tagSeparator = ";"): MappingForm => ({
  columns,
  tagSeparator,
});

describe("the import dialog's column mapping", () => {
  it("starts from the server's first guess: reference, tags and id columns found by name, the rest input fields", () => {
    const columns = ["Customer name", "expected", "tags", "id", "notes"];
    const started = mappingToForm(columns, suggestMapping(columns));
    expect(started.columns.map((c) => [c.column, c.role, c.field])).toEqual([
      ["Customer name", "input", "Customer_name"],
      ["expected", "reference", ""],
      ["tags", "tags", ""],
      ["id", "id", ""],
      ["notes", "input", "notes"],
    ]);
    // Back to the same mapping.
    expect(formToMapping(started)).toEqual({ ok: true, mapping: suggestMapping(columns) });
  });

  it("a JSONL file's input object column maps to the whole input", () => {
    const started = mappingToForm(
      ["input", "reference"],
      suggestMapping(["input", "reference"], { inputObject: true }),
    );
    expect(started.columns.map((c) => c.role)).toEqual(["input-object", "reference"]);
    expect(formToMapping(started)).toEqual({
      ok: true,
      mapping: { input: { from: "input" }, reference: { from: "reference" } },
    });
  });

  it("keeps types, renamed fields and the tag separator; skipped columns are not read", () => {
    const result = formToMapping(
      form(
        [
          { column: "q", role: "input", field: "question", as: "" },
          { column: "n", role: "input", field: "count", as: "number" },
          { column: "answer", role: "reference", field: "", as: "json" },
          { column: "labels", role: "tags", field: "", as: "" },
          { column: "junk", role: "skip", field: "", as: "" },
        ],
        "|",
      ),
    );
    expect(result).toEqual({
      ok: true,
      mapping: {
        input: { fields: { question: { from: "q" }, count: { from: "n", as: "number" } } },
        reference: { from: "answer", as: "json" },
        tags: { from: "labels", separator: "|" },
      },
    });
  });

  it("says what is wrong, naming the column: no input, two references, a field fed twice, a bad field name, input fields beside a whole input", () => {
    expect(formToMapping(form([{ column: "a", role: "reference", field: "", as: "" }]))).toEqual({
      ok: false,
      errors: [
        {
          message:
            "Map at least one column to an input field (or one column holding the whole input)",
        },
      ],
    });
    const twice = formToMapping(
      form([
        { column: "a", role: "input", field: "x", as: "" },
        { column: "b", role: "input", field: "x", as: "" },
        { column: "c", role: "reference", field: "", as: "" },
        { column: "d", role: "reference", field: "", as: "" },
      ]),
    );
    expect(twice.ok).toBe(false);
    if (!twice.ok) {
      expect(twice.errors).toContainEqual({
        column: "d",
        message: 'Only one column can be the reference output: "c" and "d" both are',
      });
      expect(twice.errors).toContainEqual({
        column: "b",
        message: '"b" and "a" both feed input.x',
      });
    }
    const badName = formToMapping(form([{ column: "1st", role: "input", field: "1st", as: "" }]));
    expect(badName).toEqual({
      ok: false,
      errors: [
        {
          column: "1st",
          message:
            '"1st": an input field name is letters, digits, _ or -, not starting with a digit',
        },
      ],
    });
    const mixed = formToMapping(
      form([
        { column: "input", role: "input-object", field: "", as: "" },
        { column: "b", role: "input", field: "b", as: "" },
      ]),
    );
    expect(mixed).toEqual({
      ok: false,
      errors: [
        {
          column: "input",
          message: '"input" holds the whole input, so other columns cannot be input fields too',
        },
      ],
    });
  });

  it("names a problem's row, column and header", () => {
    expect(
      describeProblem({
        row: 3,
        column: 2,
        field: "age",
        message: 'input.age: "x" is not a number',
      }),
    ).toBe('Row 3, column 2 (age): input.age: "x" is not a number');
    expect(describeProblem({ row: 4, field: "answer", message: "line 4 is not valid JSON" })).toBe(
      "Row 4 (answer): line 4 is not valid JSON",
    );
    expect(describeProblem({ message: "the file is empty" })).toBe("the file is empty");
  });

  it("guesses the format from the file name", () => {
    expect(formatOfFileName("cases.CSV")).toBe("csv");
    expect(formatOfFileName("cases.jsonl")).toBe("jsonl");
    expect(formatOfFileName("cases.xlsx")).toBeNull();
  });
});
