/**
 * An RFC 4180 CSV reader, written here because engine/ may import nothing but zod and the canvas's
 * mapping preview runs the same code in the browser. Quoted fields may hold delimiters, doubled
 * quotes and line breaks; lines end in CRLF, LF or CR; a leading byte-order mark is dropped. A quote
 * inside an unquoted field is kept as text (`5" screen`), as spreadsheets write it.
 *
 * Records come one at a time, so a preview reads only the rows it shows.
 */

export type CsvRecord = {
  kind: "record";
  /** The row as a spreadsheet numbers it: the header is row 1, blank lines count. */
  row: number;
  /** The line of the file the record starts on (differs from `row` after a multi-line cell). */
  line: number;
  fields: string[];
};

export type CsvProblem = {
  kind: "problem";
  row: number;
  line: number;
  column: number;
  message: string;
};

export type CsvDelimiter = "," | ";" | "\t";

/** Line breaks in `text`, counting CRLF once. */
function countLineBreaks(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) count++;
  for (let i = text.indexOf("\r"); i >= 0; i = text.indexOf("\r", i + 1))
    if (text[i + 1] !== "\n") count++;
  return count;
}

/**
 * Reads records lazily; a malformed record yields a problem naming its row and column and the
 * reader goes on with the next line, except an unclosed quote, which ends the file.
 * @example [...readCsv('a,b\n1,"x, y"')] // → records ["a","b"] (row 1) and ["1","x, y"] (row 2)
 */
export function* readCsv(
  text: string,
  delimiter: CsvDelimiter = ",",
): Generator<CsvRecord | CsvProblem> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  let row = 0;

  const atLineEnd = (at: number) => text[at] === "\n" || text[at] === "\r";
  /** Steps over one line ending at `at`, returning the index after it. */
  const skipLineEnd = (at: number) => {
    if (text[at] === "\r" && text[at + 1] === "\n") return at + 2;
    return at + 1;
  };

  while (i < n) {
    row++;
    const startLine = line;
    if (atLineEnd(i)) {
      // A blank line: no record, but it keeps its row number.
      i = skipLineEnd(i);
      line++;
      continue;
    }
    const fields: string[] = [];
    let problem: CsvProblem | undefined;
    for (;;) {
      const column = fields.length + 1;
      if (text[i] === '"') {
        const quoteLine = line;
        let value = "";
        let j = i + 1;
        for (;;) {
          // Jump from quote to quote: cells can be long, and most of their characters are plain.
          const quote = text.indexOf('"', j);
          if (quote < 0) {
            yield {
              kind: "problem",
              row,
              line: quoteLine,
              column,
              message: `the quote that opens column ${column} is never closed`,
            };
            return;
          }
          const chunk = text.slice(j, quote);
          line += countLineBreaks(chunk);
          value += chunk;
          if (text[quote + 1] === '"') {
            value += '"';
            j = quote + 2;
            continue;
          }
          j = quote + 1;
          break;
        }
        fields.push(value);
        i = j;
        if (i < n && text[i] !== delimiter && !atLineEnd(i)) {
          problem = {
            kind: "problem",
            row,
            line,
            column,
            message: `unexpected text after the closing quote of column ${column}`,
          };
          while (i < n && !atLineEnd(i)) i++;
        }
      } else {
        let j = i;
        while (j < n && text[j] !== delimiter && !atLineEnd(j)) j++;
        fields.push(text.slice(i, j));
        i = j;
      }
      if (problem || i >= n || atLineEnd(i)) break;
      i++; // the delimiter
      if (i >= n || atLineEnd(i)) {
        fields.push("");
        break;
      }
    }
    if (i < n) {
      i = skipLineEnd(i);
      line++;
    }
    yield problem ?? { kind: "record", row, line: startLine, fields };
  }
}

/**
 * Guesses the delimiter from the header line: the one of , ; tab that occurs most often outside
 * quotes ("," on a tie or when none occurs), as spreadsheets in some locales write ";".
 * @example detectCsvDelimiter("name;age\nAnn;3") // → ";"
 */
export function detectCsvDelimiter(text: string): CsvDelimiter {
  const counts = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && ch in counts) counts[ch as CsvDelimiter]++;
  }
  return counts[";"] > counts[","] && counts[";"] >= counts["\t"]
    ? ";"
    : counts["\t"] > counts[","]
      ? "\t"
      : ",";
}
