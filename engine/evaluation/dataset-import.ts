import { validateJsonSchema, type JsonSchema } from "../schema/json-schema";
import { detectCsvDelimiter, readCsv, type CsvDelimiter } from "./csv";
import {
  DATASET_LIMITS,
  DatasetItemSchema,
  utf8ByteLength,
  type DatasetItem,
  type DatasetLimits,
} from "./dataset-item";
import {
  convertValue,
  listMappedSources,
  readField,
  suggestMapping,
  type DatasetMapping,
  type FieldSource,
} from "./dataset-mapping";

/**
 * Imports a CSV or JSONL file into dataset items through a mapping. Nothing here throws on bad
 * data: every problem names its row (CSV: as a spreadsheet numbers rows, header = 1; JSONL: the
 * line) and, where it can, the column (CSV: number and header; JSONL: the character for broken
 * JSON, the field otherwise). A problem with no row is about the whole file.
 */
export type ImportProblem = {
  row?: number;
  column?: number;
  /** The CSV header or JSONL field the problem is in. */
  field?: string;
  message: string;
};

export type ImportFormat = "csv" | "jsonl";

export type ImportOptions = {
  format: ImportFormat;
  text: string;
  mapping: DatasetMapping;
  /** CSV only; guessed from the header line when absent (see detectCsvDelimiter). */
  delimiter?: CsvDelimiter;
  /** The workflow's input schema: items whose input breaks it are reported, by row and column. */
  inputSchema?: JsonSchema;
  limits?: Partial<DatasetLimits>;
};

export type RowOutcome = { row: number; item?: DatasetItem; problems: ImportProblem[] };

export type DatasetImport = {
  items: DatasetItem[];
  /** The first `MAX_LISTED_PROBLEMS` problems; `problemCount` counts them all. */
  problems: ImportProblem[];
  problemCount: number;
  rowsRead: number;
};

export const MAX_LISTED_PROBLEMS = 100;

/** A source of data rows: raw values looked up by mapping name, or a problem for a row that cannot be read. */
type DataRow = {
  row: number;
  problem?: ImportProblem;
  read?: (from: string) => unknown;
  locate?: (from: string) => Pick<ImportProblem, "column" | "field">;
};
type Reader = { columns: string[]; fileProblems: ImportProblem[]; rows: Iterable<DataRow> };

function csvReader(text: string, delimiter: CsvDelimiter): Reader {
  const records = readCsv(text, delimiter)[Symbol.iterator]();
  const first = records.next();
  if (first.done)
    return {
      columns: [],
      fileProblems: [{ message: "the file is empty: the first row must name the columns" }],
      rows: [],
    };
  if (first.value.kind === "problem") {
    const { row, column, message } = first.value;
    return { columns: [], fileProblems: [{ row, column, message }], rows: [] };
  }
  const header = first.value.fields.map((name) => name.trim());
  const headerRow = first.value.row;
  const fileProblems: ImportProblem[] = [];
  header.forEach((name, index) => {
    if (name === "")
      fileProblems.push({
        row: headerRow,
        column: index + 1,
        message: `column ${index + 1} has no name in the header`,
      });
    else if (header.indexOf(name) !== index)
      fileProblems.push({
        row: headerRow,
        column: index + 1,
        field: name,
        message: `the header names "${name}" twice (columns ${header.indexOf(name) + 1} and ${index + 1})`,
      });
  });
  function* rows(): Generator<DataRow> {
    for (let next = records.next(); !next.done; next = records.next()) {
      const record = next.value;
      if (record.kind === "problem") {
        yield {
          row: record.row,
          problem: {
            row: record.row,
            column: record.column,
            field: header[record.column - 1],
            message: record.message,
          },
        };
        continue;
      }
      const extra = record.fields.findIndex(
        (value, index) => index >= header.length && value !== "",
      );
      if (extra >= 0) {
        yield {
          row: record.row,
          problem: {
            row: record.row,
            column: extra + 1,
            message: `row ${record.row} has ${record.fields.length} cells; the header names ${header.length} columns`,
          },
        };
        continue;
      }
      yield {
        row: record.row,
        // Cells missing at the end of a short row read as empty, as spreadsheets trim them.
        read: (from) => record.fields[header.indexOf(from)] ?? "",
        locate: (from) => ({ column: header.indexOf(from) + 1, field: from }),
      };
    }
  }
  return { columns: header, fileProblems, rows: rows() };
}

function jsonPosition(message: string): number | undefined {
  const match = /position (\d+)/.exec(message);
  return match ? Number(match[1]) + 1 : undefined;
}

function jsonlReader(text: string): Reader {
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  function parseLine(index: number): {
    row: number;
    value?: Record<string, unknown>;
    problem?: ImportProblem;
  } {
    const row = index + 1;
    try {
      const value: unknown = JSON.parse(lines[index] as string);
      if (typeof value !== "object" || value === null || Array.isArray(value))
        return { row, problem: { row, column: 1, message: `line ${row} is not a JSON object` } };
      return { row, value: value as Record<string, unknown> };
    } catch (error) {
      const message = (error as Error).message;
      return {
        row,
        problem: {
          row,
          column: jsonPosition(message),
          message: `line ${row} is not valid JSON: ${message}`,
        },
      };
    }
  }
  // Columns (for the preview) come from the first lines only, so a huge file is not parsed twice.
  const columns = new Set<string>();
  for (let index = 0, seen = 0; index < lines.length && seen < 20; index++) {
    if ((lines[index] as string).trim() === "") continue;
    seen++;
    for (const key of Object.keys(parseLine(index).value ?? {})) columns.add(key);
  }
  function* rows(): Generator<DataRow> {
    for (let index = 0; index < lines.length; index++) {
      if ((lines[index] as string).trim() === "") continue;
      const line = parseLine(index);
      if (line.problem) yield { row: line.row, problem: line.problem };
      else {
        const value = line.value as Record<string, unknown>;
        yield {
          row: line.row,
          read: (from) => readField(value, from),
          locate: (from) => ({ field: from }),
        };
      }
    }
  }
  const fileProblems = lines.every((line) => line.trim() === "")
    ? [{ message: "the file has no lines" }]
    : [];
  return { columns: [...columns], fileProblems, rows: rows() };
}

function openReader(options: Pick<ImportOptions, "format" | "text" | "delimiter">): Reader {
  return options.format === "csv"
    ? csvReader(options.text, options.delimiter ?? detectCsvDelimiter(options.text))
    : jsonlReader(options.text);
}

function checkMappingAgainstColumns(
  mapping: DatasetMapping,
  reader: Reader,
  format: ImportFormat,
): ImportProblem[] {
  if (format !== "csv") return []; // JSONL lines may differ in shape; a missing field is reported per line.
  return listMappedSources(mapping)
    .filter((source) => !reader.columns.includes(source.from))
    .map((source) => ({
      row: 1,
      field: source.from,
      message: `the mapping reads column "${source.from}" for ${source.feeds}, but the header has no such column (columns: ${reader.columns.join(", ") || "none"})`,
    }));
}

function mapRow(data: DataRow, options: ImportOptions): RowOutcome {
  const { row } = data;
  if (data.problem || !data.read || !data.locate)
    return { row, problems: data.problem ? [data.problem] : [] };
  const read = data.read;
  const locate = data.locate;
  const problems: ImportProblem[] = [];
  const convert = (source: FieldSource, feeds: string): unknown => {
    const converted = convertValue(read(source.from), source.as, options.format);
    if (converted.ok) return converted.value;
    problems.push({ row, ...locate(source.from), message: `${feeds}: ${converted.error}` });
    return undefined;
  };

  let input: Record<string, unknown> = {};
  const columnOfInputField = new Map<string, string>();
  if ("fields" in options.mapping.input) {
    for (const [name, source] of Object.entries(options.mapping.input.fields)) {
      columnOfInputField.set(name, source.from);
      const value = convert(source, `input.${name}`);
      if (value !== undefined) input[name] = value;
    }
  } else {
    const from = options.mapping.input.from;
    const value = convert({ from, as: "json" }, "input");
    if (value === undefined)
      problems.push({ row, ...locate(from), message: "input: the row has no input" });
    else if (typeof value !== "object" || value === null || Array.isArray(value))
      problems.push({ row, ...locate(from), message: "input: must be a JSON object" });
    else if (Object.hasOwn(value, "__proto__"))
      // JSON.parse keeps it as a key, but copying the object (zod does) would drop it silently.
      problems.push({
        row,
        ...locate(from),
        message: 'input: the key "__proto__" cannot be kept; rename it',
      });
    else input = value as Record<string, unknown>;
  }

  const reference = options.mapping.reference
    ? convert(options.mapping.reference, "reference")
    : undefined;
  let tags: string[] = [];
  if (options.mapping.tags) {
    const { from, separator } = options.mapping.tags;
    const raw = read(from);
    if (Array.isArray(raw) && raw.every((tag) => typeof tag === "string")) tags = raw;
    else if (typeof raw === "string")
      tags = raw
        .split(separator)
        .map((tag) => tag.trim())
        .filter((tag) => tag !== "");
    else if (raw !== undefined && raw !== null)
      problems.push({ row, ...locate(from), message: "tags: expected text or a list of strings" });
  }
  let id: string | undefined;
  if (options.mapping.id) {
    const raw = read(options.mapping.id.from);
    if (typeof raw === "string" && raw.trim() !== "") id = raw.trim();
    else if (typeof raw === "number") id = String(raw);
    else
      problems.push({
        row,
        ...locate(options.mapping.id.from),
        message: "id: every row needs an id",
      });
  }
  if (problems.length > 0) return { row, problems };

  const parsed = DatasetItemSchema.safeParse({ id, input, reference, tags });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [key] = issue.path;
      const from =
        key === "tags"
          ? options.mapping.tags?.from
          : key === "id"
            ? options.mapping.id?.from
            : undefined;
      problems.push({
        row,
        ...(from ? locate(from) : {}),
        message: `${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`,
      });
    }
    return { row, problems };
  }
  if (options.inputSchema) {
    for (const problem of validateJsonSchema(parsed.data.input, options.inputSchema, "input")) {
      const field = /^input\.([^.[:]+)/.exec(problem)?.[1];
      const from = field
        ? columnOfInputField.get(field)
        : "fields" in options.mapping.input
          ? undefined
          : options.mapping.input.from;
      problems.push({ row, ...(from ? locate(from) : {}), message: problem });
    }
    if (problems.length > 0) return { row, problems };
  }
  return { row, item: parsed.data, problems };
}

function limitsOf(options: Pick<ImportOptions, "limits">): DatasetLimits {
  return { ...DATASET_LIMITS, ...options.limits };
}

function checkSize(text: string, limits: DatasetLimits): ImportProblem[] {
  const bytes = utf8ByteLength(text);
  return bytes > limits.maxFileBytes
    ? [{ message: `the file is ${bytes} bytes; the limit is ${limits.maxFileBytes}` }]
    : [];
}

/**
 * Reads a whole file into items. Rows with problems give no item; the caller decides whether an
 * import with problems is refused (the server should refuse it and show the problems).
 * @example importDataset({ format: "csv", text: "question,expected\nHi?,Hello", mapping: suggestMapping(["question", "expected"]) })
 *   // → { items: [{ input: { question: "Hi?" }, reference: "Hello", tags: [] }], problems: [], … }
 */
export function importDataset(options: ImportOptions): DatasetImport {
  const limits = limitsOf(options);
  const result: DatasetImport = { items: [], problems: [], problemCount: 0, rowsRead: 0 };
  const report = (problem: ImportProblem) => {
    if (result.problems.length < MAX_LISTED_PROBLEMS) result.problems.push(problem);
    result.problemCount++;
  };
  const sizeProblems = checkSize(options.text, limits);
  if (sizeProblems.length > 0) {
    sizeProblems.forEach(report);
    return result;
  }
  const reader = openReader(options);
  const fileProblems = [
    ...reader.fileProblems,
    ...checkMappingAgainstColumns(options.mapping, reader, options.format),
  ];
  if (fileProblems.length > 0) {
    fileProblems.forEach(report);
    return result;
  }
  const idRows = new Map<string, number>();
  for (const data of reader.rows) {
    if (result.rowsRead >= limits.maxItems) {
      report({
        row: data.row,
        message: `the file has more than ${limits.maxItems} items, the most a dataset version holds; rows from ${data.row} on are not read`,
      });
      break;
    }
    result.rowsRead++;
    const outcome = mapRow(data, options);
    outcome.problems.forEach(report);
    if (!outcome.item) continue;
    const id = outcome.item.id;
    if (id !== undefined) {
      const earlier = idRows.get(id);
      if (earlier !== undefined) {
        report({
          row: data.row,
          ...data.locate?.(options.mapping.id?.from ?? "id"),
          message: `id "${id}" is already used by row ${earlier}`,
        });
        continue;
      }
      idRows.set(id, data.row);
    }
    result.items.push(outcome.item);
  }
  return result;
}

export type MappingPreview = {
  /** CSV: the header; JSONL: the keys seen in the first lines. */
  columns: string[];
  /** The mapping shown: the one given, or a first guess from the columns. */
  mapping: DatasetMapping;
  /** Problems with the file or the mapping as a whole (an empty file, a column the header lacks). */
  fileProblems: ImportProblem[];
  rows: RowOutcome[];
};

/**
 * The first `rows` data rows mapped to items, each with its problems, for the import dialog. Reads
 * no further into the file than it shows.
 * @example previewDatasetMapping({ format: "jsonl", text: '{"q":"Hi"}', rows: 5 }).rows[0].item // → { input: { q: "Hi" }, tags: [] }
 */
export function previewDatasetMapping(
  options: Omit<ImportOptions, "mapping"> & { mapping?: DatasetMapping; rows?: number },
): MappingPreview {
  const limits = limitsOf(options);
  const sizeProblems = checkSize(options.text, limits);
  const reader = sizeProblems.length
    ? { columns: [], fileProblems: sizeProblems, rows: [] }
    : openReader(options);
  const mapping =
    options.mapping ?? suggestMapping(reader.columns, { inputObject: options.format === "jsonl" });
  const fileProblems = [
    ...reader.fileProblems,
    ...checkMappingAgainstColumns(mapping, reader, options.format),
  ];
  const rows: RowOutcome[] = [];
  if (fileProblems.length === 0) {
    const wanted = options.rows ?? 10;
    for (const data of reader.rows) {
      if (rows.length >= wanted) break;
      rows.push(mapRow(data, { ...options, mapping }));
    }
  }
  return { columns: reader.columns, mapping, fileProblems, rows };
}
