import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../learning/random";
import { detectCsvDelimiter, readCsv, type CsvDelimiter } from "./csv";

const records = (text: string, delimiter?: CsvDelimiter) => [...readCsv(text, delimiter)];

describe("readCsv", () => {
  it("reads quoted cells with delimiters, doubled quotes and line breaks", () => {
    expect(records('a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",3')).toEqual([
      { kind: "record", row: 1, line: 1, fields: ["a", "b", "c"] },
      { kind: "record", row: 2, line: 2, fields: ["1", "x, y", 'say "hi"'] },
      { kind: "record", row: 3, line: 3, fields: ["2", "two\nlines", "3"] },
    ]);
  });

  it("accepts CRLF, CR and a byte-order mark, keeps empty cells, and counts blank lines as rows", () => {
    expect(records("\ufeffa;b\r\n1;\r\n\r\n;2\r3;4", ";")).toEqual([
      { kind: "record", row: 1, line: 1, fields: ["a", "b"] },
      { kind: "record", row: 2, line: 2, fields: ["1", ""] },
      { kind: "record", row: 4, line: 4, fields: ["", "2"] },
      { kind: "record", row: 5, line: 5, fields: ["3", "4"] },
    ]);
  });

  it("keeps a quote inside an unquoted cell as text", () => {
    expect(records('size\n5" screen')[1]).toMatchObject({ fields: ['5" screen'] });
  });

  it("names the row and column of text after a closing quote, and goes on with the next row", () => {
    expect(records('a,b\n1,"x"y\n2,3')).toEqual([
      { kind: "record", row: 1, line: 1, fields: ["a", "b"] },
      {
        kind: "problem",
        row: 2,
        line: 2,
        column: 2,
        message: "unexpected text after the closing quote of column 2",
      },
      { kind: "record", row: 3, line: 3, fields: ["2", "3"] },
    ]);
  });

  it("names the row, line and column of a quote that is never closed", () => {
    expect(records('a,b\n1,2\n3,"open\nstill open')).toEqual([
      { kind: "record", row: 1, line: 1, fields: ["a", "b"] },
      { kind: "record", row: 2, line: 2, fields: ["1", "2"] },
      {
        kind: "problem",
        row: 3,
        line: 3,
        column: 2,
        message: "the quote that opens column 2 is never closed",
      },
    ]);
  });

  it("numbers rows after a multi-line cell by record, and lines by the file", () => {
    const [, second, third] = records('a\n"one\ntwo\nthree"\nnext');
    expect(second).toMatchObject({ row: 2, line: 2 });
    expect(third).toMatchObject({ row: 3, line: 5, fields: ["next"] });
  });

  it("reads back any table written the RFC 4180 way (generated tables, 300 seeds)", () => {
    const alphabet = ["a", "b", " ", ",", ";", "\t", '"', "\n", "\r\n", "é", "😀", ""];
    const cell = (rng: Rng) =>
      Array.from(
        { length: Math.floor(rng() * 6) },
        () => alphabet[Math.floor(rng() * alphabet.length)],
      ).join("");
    const write = (value: string, delimiter: string) =>
      /["\r\n]/.test(value) || value.includes(delimiter)
        ? `"${value.replaceAll('"', '""')}"`
        : value;
    for (let seed = 1; seed <= 300; seed++) {
      const rng = createRng(seed);
      const delimiter = ([",", ";", "\t"] as const)[seed % 3] as CsvDelimiter;
      const width = 1 + Math.floor(rng() * 4);
      const table = Array.from({ length: 1 + Math.floor(rng() * 5) }, () =>
        Array.from({ length: width }, () => cell(rng)),
      );
      // A one-column row whose only cell is empty is a blank line, which holds no record.
      const kept = table.filter((row) => !(row.length === 1 && row[0] === ""));
      const text = table
        .map((row) => row.map((value) => write(value, delimiter)).join(delimiter))
        .join(rng() < 0.5 ? "\n" : "\r\n");
      const read = records(text, delimiter);
      expect(
        read.every((r) => r.kind === "record"),
        `seed ${seed}`,
      ).toBe(true);
      expect(
        read.map((r) => (r.kind === "record" ? r.fields : [])),
        `seed ${seed}: ${JSON.stringify(text)}`,
      ).toEqual(kept);
    }
  });
});

describe("detectCsvDelimiter", () => {
  it("picks the delimiter the header uses most outside quotes", () => {
    expect(detectCsvDelimiter("name;age\nAnn,Bo;3")).toBe(";");
    expect(detectCsvDelimiter("a\tb\tc")).toBe("\t");
    expect(detectCsvDelimiter('"x;y;z",b\n1,2')).toBe(",");
    expect(detectCsvDelimiter("single")).toBe(",");
  });
});
