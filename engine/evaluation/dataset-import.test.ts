import { describe, expect, it } from "vitest";
import { importDataset, MAX_LISTED_PROBLEMS, previewDatasetMapping } from "./dataset-import";
import { DatasetMappingSchema, suggestMapping, type DatasetMappingInput } from "./dataset-mapping";
import { utf8ByteLength } from "./dataset-item";

const mapping = (input: DatasetMappingInput) => DatasetMappingSchema.parse(input);

describe("importDataset from CSV", () => {
  const csv = [
    "id,question,count,expected,tags",
    'a,"Hi, there",2,Hello,smoke;greeting',
    "b,Bye,,Goodbye,",
  ].join("\n");
  const map = mapping({
    input: { fields: { question: { from: "question" }, count: { from: "count", as: "number" } } },
    reference: { from: "expected" },
    tags: { from: "tags" },
    id: { from: "id" },
  });

  it("maps columns to input fields, reference, tags and id; an empty cell leaves the field out", () => {
    expect(importDataset({ format: "csv", text: csv, mapping: map })).toEqual({
      items: [
        {
          id: "a",
          input: { question: "Hi, there", count: 2 },
          reference: "Hello",
          tags: ["smoke", "greeting"],
        },
        { id: "b", input: { question: "Bye" }, reference: "Goodbye", tags: [] },
      ],
      problems: [],
      problemCount: 0,
      rowsRead: 2,
    });
  });

  it("names the row, column number and header of a cell that does not convert, and keeps the good rows", () => {
    const text = ["id,question,count,expected,tags", "a,Hi,two,Hello,", "b,Bye,3,Goodbye,"].join(
      "\n",
    );
    const result = importDataset({ format: "csv", text, mapping: map });
    expect(result.problems).toEqual([
      { row: 2, column: 3, field: "count", message: 'input.count: "two" is not a number' },
    ]);
    expect(result.items.map((item) => item.id)).toEqual(["b"]);
  });

  it("reports a broken CSV row by row and column instead of throwing", () => {
    const text = [
      "id,question,count,expected,tags",
      'a,"Hi"!,1,x,',
      "b,Bye,3,Goodbye,",
      'c,"never closed',
    ].join("\n");
    const result = importDataset({ format: "csv", text, mapping: map });
    expect(result.problems).toEqual([
      {
        row: 2,
        column: 2,
        field: "question",
        message: "unexpected text after the closing quote of column 2",
      },
      {
        row: 4,
        column: 2,
        field: "question",
        message: "the quote that opens column 2 is never closed",
      },
    ]);
    expect(result.items).toHaveLength(1);
  });

  it("refuses a row with more cells than the header, naming the first extra column", () => {
    const result = importDataset({
      format: "csv",
      text: "q\nhello,extra",
      mapping: mapping({ input: { fields: { q: { from: "q" } } } }),
    });
    expect(result.problems).toEqual([
      { row: 2, column: 2, message: "row 2 has 2 cells; the header names 1 columns" },
    ]);
  });

  it("says which mapped column the header lacks before reading any row", () => {
    const result = importDataset({ format: "csv", text: "question\nHi", mapping: map });
    expect(result.items).toEqual([]);
    expect(result.problems.map((p) => p.message)).toContain(
      'the mapping reads column "count" for input.count, but the header has no such column (columns: question)',
    );
    expect(result.problems.every((p) => p.row === 1)).toBe(true);
  });

  it("refuses a header naming a column twice or leaving one unnamed", () => {
    const result = importDataset({
      format: "csv",
      text: "q,q,\n1,2,3",
      mapping: mapping({ input: { fields: { q: { from: "q" } } } }),
    });
    expect(result.problems).toEqual([
      { row: 1, column: 2, field: "q", message: 'the header names "q" twice (columns 1 and 2)' },
      { row: 1, column: 3, message: "column 3 has no name in the header" },
    ]);
  });

  it("refuses a repeated id, naming the row that used it first", () => {
    const result = importDataset({
      format: "csv",
      text: "id,q\nx,1\nx,2",
      mapping: mapping({ input: { fields: { q: { from: "q" } } }, id: { from: "id" } }),
    });
    expect(result.problems).toEqual([
      { row: 3, column: 1, field: "id", message: 'id "x" is already used by row 2' },
    ]);
  });

  it("checks inputs against the workflow's input schema, naming the column of the field", () => {
    const result = importDataset({
      format: "csv",
      text: "topic,level\nai,3\n,9",
      mapping: mapping({
        input: { fields: { topic: { from: "topic" }, level: { from: "level", as: "number" } } },
      }),
      inputSchema: {
        type: "object",
        required: ["topic"],
        properties: { topic: { type: "string" }, level: { type: "number", maximum: 5 } },
      },
    });
    expect(result.problems).toEqual([
      { row: 3, column: 1, field: "topic", message: "input.topic: is required" },
      { row: 3, column: 2, field: "level", message: "input.level: must be ≤ 5" },
    ]);
  });

  it("reads a whole input object from a JSON column", () => {
    const result = importDataset({
      format: "csv",
      text: 'input,expected\n"{""a"":1}",ok\n[1],no',
      mapping: mapping({ input: { from: "input" }, reference: { from: "expected" } }),
    });
    expect(result.items).toEqual([{ input: { a: 1 }, reference: "ok", tags: [] }]);
    expect(result.problems).toEqual([
      { row: 3, column: 1, field: "input", message: "input: must be a JSON object" },
    ]);
  });
});

describe("importDataset from JSONL", () => {
  it("reads the input object, reference and tags of each line", () => {
    const text = [
      '{"input":{"q":"Hi"},"expected":{"a":1},"tags":["x"]}',
      "",
      '{"input":{"q":"Bye"}}',
    ].join("\n");
    const result = importDataset({
      format: "jsonl",
      text,
      mapping: mapping({
        input: { from: "input" },
        reference: { from: "expected" },
        tags: { from: "tags" },
      }),
    });
    expect(result.items).toEqual([
      { input: { q: "Hi" }, reference: { a: 1 }, tags: ["x"] },
      { input: { q: "Bye" }, tags: [] },
    ]);
  });

  it("names the line and character of broken JSON and the field of a bad value", () => {
    const text = [
      '{"q":"Hi","n":1}',
      '{"q": "Hi",, "n": 2}',
      '{"q":"Yo","n":"many"}',
      "[1,2]",
    ].join("\n");
    const result = importDataset({
      format: "jsonl",
      text,
      mapping: mapping({ input: { fields: { q: { from: "q" }, n: { from: "n", as: "number" } } } }),
    });
    expect(result.items).toHaveLength(1);
    const [broken, badValue, notObject] = result.problems;
    expect(broken).toMatchObject({ row: 2, column: 12 });
    expect(broken?.message).toMatch(/^line 2 is not valid JSON/);
    expect(badValue).toEqual({ row: 3, field: "n", message: 'input.n: "many" is not a number' });
    expect(notObject).toEqual({ row: 4, column: 1, message: "line 4 is not a JSON object" });
  });

  it("reads nested fields by dotted path", () => {
    const result = importDataset({
      format: "jsonl",
      text: '{"ask":{"text":"Hi"},"answers":["Hello"]}',
      mapping: mapping({
        input: { fields: { q: { from: "ask.text" } } },
        reference: { from: "answers[0]" },
      }),
    });
    expect(result.items).toEqual([{ input: { q: "Hi" }, reference: "Hello", tags: [] }]);
  });
});

describe("import limits", () => {
  const map = mapping({ input: { fields: { q: { from: "q" } } } });

  it("stops after the item limit and says from which row nothing was read", () => {
    const text = ["q", ...Array.from({ length: 5 }, (_, i) => `row ${i}`)].join("\n");
    const result = importDataset({ format: "csv", text, mapping: map, limits: { maxItems: 3 } });
    expect(result.items).toHaveLength(3);
    expect(result.problems).toEqual([
      {
        row: 5,
        message:
          "the file has more than 3 items, the most a dataset version holds; rows from 5 on are not read",
      },
    ]);
  });

  it("refuses a file over the size limit before reading it", () => {
    const result = importDataset({
      format: "csv",
      text: "q\néé",
      mapping: map,
      limits: { maxFileBytes: 5 },
    });
    expect(result).toMatchObject({
      items: [],
      rowsRead: 0,
      problems: [{ message: "the file is 6 bytes; the limit is 5" }],
    });
  });

  it("refuses an item too large as JSON, naming its row", () => {
    const result = importDataset({
      format: "csv",
      text: `q\n${"x".repeat(300_000)}`,
      mapping: map,
    });
    expect(result.problems).toEqual([
      { row: 2, message: expect.stringContaining("the limit is 262144") },
    ]);
  });

  it("lists at most the first problems but counts all of them", () => {
    const text = ["n", ...Array.from({ length: 150 }, () => "x")].join("\n");
    const result = importDataset({
      format: "csv",
      text,
      mapping: mapping({ input: { fields: { n: { from: "n", as: "number" } } } }),
    });
    expect(result.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(result.problemCount).toBe(150);
  });

  it("counts UTF-8 bytes as an encoder would", () => {
    for (const text of ["", "abc", "é", "€", "😀", "a\ud800b"])
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
  });
});

describe("previewDatasetMapping", () => {
  it("guesses a mapping from the header and maps only the rows it shows", () => {
    const text = [
      "Question,Expected Output,tags",
      ...Array.from({ length: 50 }, (_, i) => `q${i},a${i},t`),
      '"broken',
    ].join("\n");
    const preview = previewDatasetMapping({ format: "csv", text, rows: 2 });
    expect(preview.columns).toEqual(["Question", "Expected Output", "tags"]);
    expect(preview.mapping).toEqual({
      input: { fields: { Question: { from: "Question" } } },
      reference: { from: "Expected Output" },
      tags: { from: "tags", separator: ";" },
    });
    expect(preview.rows).toEqual([
      { row: 2, item: { input: { Question: "q0" }, reference: "a0", tags: ["t"] }, problems: [] },
      { row: 3, item: { input: { Question: "q1" }, reference: "a1", tags: ["t"] }, problems: [] },
    ]);
    expect(preview.fileProblems).toEqual([]);
  });

  it("shows each row's problems beside the good rows", () => {
    const preview = previewDatasetMapping({
      format: "csv",
      text: "n\n1\nx\n3",
      mapping: mapping({ input: { fields: { n: { from: "n", as: "number" } } } }),
    });
    expect(
      preview.rows.map((row) => [row.row, row.item?.input.n, row.problems.map((p) => p.message)]),
    ).toEqual([
      [2, 1, []],
      [3, undefined, ['input.n: "x" is not a number']],
      [4, 3, []],
    ]);
  });

  it("uses a JSONL line's input object when there is one", () => {
    const preview = previewDatasetMapping({
      format: "jsonl",
      text: '{"input":{"q":1},"reference":"r","id":"i1"}',
    });
    expect(preview.mapping).toEqual({
      input: { from: "input" },
      reference: { from: "reference" },
      id: { from: "id" },
    });
    expect(preview.rows[0]?.item).toEqual({ id: "i1", input: { q: 1 }, reference: "r", tags: [] });
  });

  it("reads a semicolon-separated file without being told", () => {
    expect(
      previewDatasetMapping({ format: "csv", text: "frage;antwort\nWie?;So" }).rows[0]?.item,
    ).toEqual({ input: { frage: "Wie?", antwort: "So" }, tags: [] });
  });

  it("reports an empty file as a file problem", () => {
    expect(previewDatasetMapping({ format: "csv", text: "" }).fileProblems).toEqual([
      { message: "the file is empty: the first row must name the columns" },
    ]);
    expect(previewDatasetMapping({ format: "jsonl", text: "\n\n" }).fileProblems).toEqual([
      { message: "the file has no lines" },
    ]);
  });
});

describe("suggestMapping", () => {
  it("makes input field names from headers that are not names", () => {
    expect(suggestMapping(["Customer name", "1st", "Customer name!"]).input).toEqual({
      fields: {
        Customer_name: { from: "Customer name" },
        _1st: { from: "1st" },
        Customer_name_2: { from: "Customer name!" },
      },
    });
  });
});

describe("names that would reach an object's prototype", () => {
  it("are kept as data, never as a prototype", () => {
    const columns = ["__proto__", "constructor", "prototype"];
    const result = importDataset({
      format: "csv",
      text: `${columns.join(",")}\nx,y,z`,
      mapping: suggestMapping(columns),
    });
    const input = result.items[0]?.input ?? {};
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect(input).toEqual({ proto: "x", constructor_field: "y", prototype_field: "z" });
  });

  it("are refused as input field names in a mapping", () => {
    const fromJson = DatasetMappingSchema.safeParse(
      JSON.parse('{"input":{"fields":{"__proto__":{"from":"a"}}}}'),
    );
    expect(fromJson.error?.issues[0]?.message).toMatch(/"__proto__" cannot be an input field name/);
  });

  it("say so when a whole input object holds a __proto__ key, which cannot be kept", () => {
    const result = importDataset({
      format: "jsonl",
      text: '{"input":{"__proto__":{"x":1},"a":2}}',
      mapping: DatasetMappingSchema.parse({ input: { from: "input" } }),
    });
    expect(result.problems).toEqual([
      { row: 1, field: "input", message: 'input: the key "__proto__" cannot be kept; rename it' },
    ]);
  });
});
