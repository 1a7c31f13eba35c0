import { describe, expect, it } from "vitest";
import { streamCsv, toCsvLine } from "./csv-export";

describe("CSV lines", () => {
  it("quotes fields with commas, quotes or line breaks, doubling the quotes", () => {
    expect(toCsvLine(["plain", 'say "hi"', "a,b", "two\nlines", 42, null, undefined, true])).toBe(
      'plain,"say ""hi""","a,b","two\nlines",42,,,true',
    );
  });

  it("keeps a spreadsheet from running user text as a formula, but leaves numbers alone", () => {
    expect(toCsvLine(['=HYPERLINK("x")', "+1", "-2", "@cmd", -2.5])).toBe(
      `"'=HYPERLINK(""x"")",'+1,'-2,'@cmd,-2.5`,
    );
  });
});

describe("streamCsv", () => {
  it("writes a header and one CRLF-terminated line per row, reading rows only as the reader pulls", async () => {
    let produced = 0;
    async function* rows() {
      for (let i = 0; i < 450; i++) {
        produced++;
        yield { id: i, name: `row ${i}` };
      }
    }
    const stream = streamCsv(
      [
        { header: "id", value: (r: { id: number }) => r.id },
        { header: "name", value: (r: { name: string }) => r.name },
      ],
      rows(),
    );
    const reader = stream.getReader();
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    const first = decoder.decode((await reader.read()).value);
    expect(first).toBe("\uFEFFid,name\r\n");
    expect(produced).toBeLessThan(450);
    let text = first;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += decoder.decode(chunk.value);
    const lines = text.split("\r\n");
    expect(lines).toHaveLength(452); // header, 450 rows, and the empty string after the last CRLF
    expect(lines[450]).toBe("449,row 449");
  });
});
