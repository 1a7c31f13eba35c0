"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { FileUp } from "lucide-react";
import { useEffect, useMemo, useState } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useTRPC, useTRPCClient } from "@/components/trpc/react";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";
import {
  DATASET_LIMITS,
  suggestMapping,
  type DatasetMapping,
  type ImportProblem,
} from "@/engine/evaluation";
import {
  COLUMN_ROLES,
  describeProblem,
  FIELD_TYPES,
  formatOfFileName,
  formToMapping,
  mappingToForm,
  ROLE_LABELS,
  sameColumns,
  type ColumnMapping,
  type FieldType,
  type MappingForm,
} from "./import-mapping";
import { previewJson } from "./item-form";
import type { ImportPreview } from "./types";

type Format = "csv" | "jsonl";
type PreviewRequest = {
  format: Format;
  text: string;
  delimiter?: "," | ";" | "\t";
  mapping?: DatasetMapping;
};
type Delimiter = "auto" | "," | ";" | "\t";
const DELIMITERS: { value: Delimiter; label: string }[] = [
  { value: "auto", label: "Detect" },
  { value: ",", label: "Comma (,)" },
  { value: ";", label: "Semicolon (;)" },
  { value: "\t", label: "Tab" },
];
/** Bigger files are imported as chosen, without a box to edit them in. */
const EDITABLE_CHARS = 200_000;
const selectClass = "h-9 rounded-md border bg-card px-2 text-sm";

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** "Import": a CSV or JSONL file (chosen or pasted) → a column mapping with a live preview → the dataset's next version. */
export function ImportDialog({
  datasetId,
  onImported,
}: {
  datasetId: string;
  onImported: (version: number) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="secondary">
          <FileUp className="size-4" aria-hidden /> Import
        </Button>
      }
      size="3xl"
      title="Import items"
      description="A CSV file with a header row, or JSONL (one JSON object a line). The items are added to the newest version as a new version; a file with any bad row is refused whole, so fix the rows the preview names first."
    >
      {open ? (
        <ImportForm
          datasetId={datasetId}
          onImported={(version) => {
            setOpen(false);
            onImported(version);
          }}
        />
      ) : null}
    </Dialog>
  );
}

function ImportForm({
  datasetId,
  onImported,
}: {
  datasetId: string;
  onImported: (version: number) => void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [text, setText] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [format, setFormat] = useState<Format>("csv");
  const [delimiter, setDelimiter] = useState<Delimiter>("auto");
  const [form, setForm] = useState<MappingForm | null>(null);
  const mapping = form ? formToMapping(form) : null;
  const sentMapping = mapping?.ok ? mapping.mapping : undefined;

  // The preview follows the file, its format and the mapping, after a pause in typing.
  const requestKey = useMemo(
    () =>
      JSON.stringify({
        format,
        text,
        delimiter: format === "csv" && delimiter !== "auto" ? delimiter : undefined,
        mapping: sentMapping,
      }),
    [format, text, delimiter, sentMapping],
  );
  const settledKey = useDebounced(requestKey, 300);
  const request = useMemo(() => JSON.parse(settledKey) as PreviewRequest, [settledKey]);
  const previewQuery = useQuery({
    queryKey: ["dataset-import-preview", datasetId, settledKey],
    queryFn: () => client.dataset.previewImport.mutate({ datasetId, ...request }),
    enabled: request.text.trim() !== "",
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const result = previewQuery.data;
  const isCurrent = Boolean(result) && !previewQuery.isPlaceholderData && settledKey === requestKey;
  if (
    result &&
    !previewQuery.isPlaceholderData &&
    request.text === text &&
    request.format === format
  ) {
    const known = form?.columns.map((c) => c.column);
    // A new file, or one of another shape: the mapping starts from the server's guess for its columns.
    if (!known || !sameColumns(result.columns, known)) {
      setForm(
        mappingToForm(
          result.columns,
          request.mapping
            ? suggestMapping(result.columns, { inputObject: format === "jsonl" })
            : result.mapping,
        ),
      );
    }
  }

  const importFile = useMutation(
    trpc.dataset.import.mutationOptions({
      onSuccess: ({ version, itemIds }) => {
        toast.success(
          `Imported ${itemIds.length} item${itemIds.length === 1 ? "" : "s"}: version ${version.version}`,
        );
        onImported(version.version);
      },
    }),
  );
  const importProblems = ((
    importFile.error as { data?: { appDetails?: { problems?: ImportProblem[] } | null } } | null
  )?.data?.appDetails?.problems ?? []) as ImportProblem[];

  async function chooseFile(file: File | undefined) {
    if (!file) return;
    setFileError(null);
    if (file.size > DATASET_LIMITS.maxFileBytes) {
      setFileError(
        `${file.name} is larger than ${DATASET_LIMITS.maxFileBytes / 1024 / 1024} MB, the most an import reads`,
      );
      return;
    }
    const guessed = formatOfFileName(file.name);
    if (guessed) setFormat(guessed);
    setFileName(file.name);
    setForm(null);
    setText(await file.text());
    importFile.reset();
  }

  function changeText(next: string) {
    setText(next);
    setFileName(null);
    importFile.reset();
  }

  function changeColumn(index: number, change: Partial<ColumnMapping>) {
    setForm((old) =>
      old
        ? { ...old, columns: old.columns.map((c, i) => (i === index ? { ...c, ...change } : c)) }
        : old,
    );
    importFile.reset();
  }

  const isPreviewing = previewQuery.isFetching || settledKey !== requestKey;
  const rows = result?.rows ?? [];
  const fileProblems = text.trim() === "" ? [] : (result?.fileProblems ?? []);
  const badRows = rows.filter((row) => row.problems.length > 0).length;
  const canImport =
    text.trim() !== "" &&
    mapping?.ok === true &&
    isCurrent &&
    fileProblems.length === 0 &&
    !importFile.isPending;
  const mappingErrors = mapping && !mapping.ok ? mapping.errors : [];

  return (
    <div className="space-y-5">
      <section aria-label="Source" className="space-y-3">
        <div className="flex flex-wrap items-end gap-4">
          <div className="space-y-1.5">
            <Label htmlFor="import-file" className="block">
              File
            </Label>
            <input
              id="import-file"
              type="file"
              accept=".csv,.tsv,.txt,.jsonl,.ndjson,.json,text/csv,application/x-ndjson"
              className="block text-sm"
              onChange={(e) => void chooseFile(e.target.files?.[0])}
            />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="import-format" className="block">
              Format
            </Label>
            <select
              id="import-format"
              className={selectClass}
              value={format}
              onChange={(e) => {
                setFormat(e.target.value as Format);
                setForm(null);
              }}
            >
              <option value="csv">CSV</option>
              <option value="jsonl">JSONL</option>
            </select>
          </div>
          {format === "csv" ? (
            <div className="space-y-1.5">
              <Label htmlFor="import-delimiter" className="block">
                Delimiter
              </Label>
              <select
                id="import-delimiter"
                className={selectClass}
                value={delimiter}
                onChange={(e) => setDelimiter(e.target.value as Delimiter)}
              >
                {DELIMITERS.map((d) => (
                  <option key={d.value} value={d.value}>
                    {d.label}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </div>
        <FormError>{fileError}</FormError>
        {text.length > EDITABLE_CHARS ? (
          <p className="text-sm text-muted-foreground">
            {fileName ?? "The pasted text"} ({Math.round(text.length / 1024)} KB) is loaded; it is
            too large to edit here.{" "}
            <button
              type="button"
              className="underline underline-offset-2"
              onClick={() => changeText("")}
            >
              Clear
            </button>
          </p>
        ) : (
          <div className="space-y-1.5">
            <Label htmlFor="import-text">
              {fileName
                ? `Contents of ${fileName} (you can edit them here)`
                : "Or paste the file's contents"}
            </Label>
            <textarea
              id="import-text"
              rows={6}
              spellCheck={false}
              className="w-full rounded-md border bg-card px-3 py-2 font-mono text-xs focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
              value={text}
              onChange={(e) => changeText(e.target.value)}
              placeholder={
                format === "csv"
                  ? 'question,expected,tags\nWhat is 2+2?,4,math\n"Hello, who?",Hi!,greeting'
                  : '{"input": {"question": "What is 2+2?"}, "reference": "4", "tags": ["math"]}'
              }
            />
          </div>
        )}
      </section>

      {form && form.columns.length > 0 ? (
        <MappingTable
          form={form}
          format={format}
          errors={mappingErrors}
          onColumn={changeColumn}
          onSeparator={(tagSeparator) => setForm({ ...form, tagSeparator })}
        />
      ) : null}

      {text.trim() !== "" ? (
        <section aria-label="Preview" className="space-y-2">
          <h3 className="flex items-center gap-2 text-sm font-semibold">
            Preview {isPreviewing ? <Spinner label="Updating the preview" /> : null}
          </h3>
          {previewQuery.isError ? (
            <FormError>The preview failed: {previewQuery.error.message}</FormError>
          ) : null}
          {fileProblems.length ? (
            <ul aria-label="Problems with the file" className="space-y-1 text-sm text-danger">
              {fileProblems.map((problem, index) => (
                <li key={index}>{describeProblem(problem)}</li>
              ))}
            </ul>
          ) : null}
          {result && request.mapping && mappingErrors.length === 0 && fileProblems.length === 0 ? (
            <div className={isCurrent ? undefined : "opacity-60"}>
              <p className="text-sm text-muted-foreground">
                The first {rows.length} row{rows.length === 1 ? "" : "s"} as items
                {badRows ? `; ${badRows} with problems` : ""}. The import checks every row.
              </p>
              <PreviewTable rows={rows} />
            </div>
          ) : null}
        </section>
      ) : null}

      {importFile.error ? (
        <div
          role="alert"
          className="space-y-1 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm"
        >
          <p className="font-medium text-danger">{importFile.error.message}</p>
          {importProblems.length > 1 ? (
            <ul
              aria-label="Problems in the file"
              className="max-h-40 space-y-0.5 overflow-y-auto text-muted-foreground"
            >
              {importProblems.map((problem, index) => (
                <li key={index}>{describeProblem(problem)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}

      <div className="flex justify-end gap-2">
        <DialogClose>
          <Button variant="secondary">Cancel</Button>
        </DialogClose>
        <Button
          disabled={!canImport}
          onClick={() => {
            if (mapping?.ok)
              importFile.mutate({
                datasetId,
                format,
                text,
                mapping: mapping.mapping,
                delimiter: format === "csv" && delimiter !== "auto" ? delimiter : undefined,
              });
          }}
        >
          {importFile.isPending ? <Spinner /> : null}
          Import items
        </Button>
      </div>
    </div>
  );
}

const TYPE_LABELS: Record<FieldType | "", string> = {
  "": "As it is",
  text: "Text",
  number: "Number",
  boolean: "True/false",
  json: "JSON",
};

function MappingTable({
  form,
  format,
  errors,
  onColumn,
  onSeparator,
}: {
  form: MappingForm;
  format: Format;
  errors: { column?: string; message: string }[];
  onColumn: (index: number, change: Partial<ColumnMapping>) => void;
  onSeparator: (separator: string) => void;
}) {
  const general = errors.filter((e) => e.column === undefined);
  return (
    <section aria-label="Mapping" className="space-y-2">
      <h3 className="text-sm font-semibold">Columns → item</h3>
      <p className="text-xs text-muted-foreground">
        Each {format === "csv" ? "column" : "field"} feeds one part of an item: a field of its
        input, the whole input (a JSON object), the reference output, its tags or its id, or
        nothing.
      </p>
      <div className="overflow-x-auto rounded-lg border">
        <table className="w-full text-left text-sm" aria-label="Column mapping">
          <thead className="border-b text-xs uppercase text-muted-foreground">
            <tr>
              <th className="px-3 py-2 font-medium">{format === "csv" ? "Column" : "Field"}</th>
              <th className="px-3 py-2 font-medium">Feeds</th>
              <th className="px-3 py-2 font-medium">Input field name</th>
              <th className="px-3 py-2 font-medium">Read as</th>
            </tr>
          </thead>
          <tbody className="divide-y">
            {form.columns.map((column, index) => {
              const problems = errors.filter((e) => e.column === column.column);
              return (
                <tr key={column.column}>
                  <td className="px-3 py-2 align-top font-mono text-xs">{column.column}</td>
                  <td className="px-3 py-2 align-top">
                    <select
                      aria-label={`What "${column.column}" feeds`}
                      className={selectClass}
                      value={column.role}
                      onChange={(e) => {
                        const role = e.target.value as ColumnMapping["role"];
                        onColumn(index, {
                          role,
                          field:
                            role === "input" && !column.field
                              ? column.column.replace(/[^A-Za-z0-9_-]+/g, "_")
                              : column.field,
                        });
                      }}
                    >
                      {COLUMN_ROLES.map((role) => (
                        <option key={role} value={role}>
                          {ROLE_LABELS[role]}
                        </option>
                      ))}
                    </select>
                    {problems.map((p) => (
                      <FormError key={p.message} className="mt-1 text-xs">
                        {p.message}
                      </FormError>
                    ))}
                  </td>
                  <td className="px-3 py-2 align-top">
                    {column.role === "input" ? (
                      <Input
                        aria-label={`Input field for "${column.column}"`}
                        className="h-9 font-mono text-xs"
                        value={column.field}
                        onChange={(e) => onColumn(index, { field: e.target.value })}
                      />
                    ) : null}
                  </td>
                  <td className="px-3 py-2 align-top">
                    {column.role === "input" || column.role === "reference" ? (
                      <select
                        aria-label={`Read "${column.column}" as`}
                        className={selectClass}
                        value={column.as}
                        onChange={(e) => onColumn(index, { as: e.target.value as FieldType | "" })}
                      >
                        {(["", ...FIELD_TYPES] as const).map((type) => (
                          <option key={type} value={type}>
                            {TYPE_LABELS[type]}
                          </option>
                        ))}
                      </select>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {form.columns.some((c) => c.role === "tags") ? (
        <div className="flex items-center gap-2">
          <Label htmlFor="import-tag-separator">Tags are separated by</Label>
          <Input
            id="import-tag-separator"
            className="h-9 w-16 font-mono"
            maxLength={3}
            value={form.tagSeparator}
            onChange={(e) => onSeparator(e.target.value)}
          />
        </div>
      ) : null}
      {general.map((p) => (
        <FormError key={p.message}>{p.message}</FormError>
      ))}
    </section>
  );
}

function PreviewTable({ rows }: { rows: ImportPreview["rows"] }) {
  return (
    <div className="overflow-x-auto rounded-lg border">
      <table className="w-full text-left text-sm" aria-label="Preview of the first rows">
        <thead className="border-b text-xs uppercase text-muted-foreground">
          <tr>
            <th className="px-3 py-2 font-medium">Row</th>
            <th className="px-3 py-2 font-medium">Input</th>
            <th className="px-3 py-2 font-medium">Reference</th>
            <th className="px-3 py-2 font-medium">Tags</th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {rows.map((row) =>
            row.item ? (
              <tr key={row.row}>
                <td className="px-3 py-2 tabular-nums">{row.row}</td>
                <td className="max-w-xs truncate px-3 py-2 font-mono text-xs">
                  {previewJson(row.item.input)}
                </td>
                <td className="max-w-xs truncate px-3 py-2 font-mono text-xs">
                  {row.item.reference === undefined ? "" : previewJson(row.item.reference)}
                </td>
                <td className="px-3 py-2 text-xs">{row.item.tags.join(", ")}</td>
              </tr>
            ) : (
              <tr key={row.row} className="bg-danger/5">
                <td className="px-3 py-2 tabular-nums text-danger">{row.row}</td>
                <td colSpan={3} className="px-3 py-2">
                  <ul
                    aria-label={`Problems in row ${row.row}`}
                    className="space-y-0.5 text-sm text-danger"
                  >
                    {row.problems.map((problem, index) => (
                      <li key={index}>{describeProblem(problem)}</li>
                    ))}
                  </ul>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </div>
  );
}
