"use client";

import { useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { z } from "zod";
import { Field } from "@/components/ui/input";
import { FieldProblemContext, SchemaForm, type FieldProblemSink } from "./schema-form";

type ObjectSchema = Record<string, unknown> & { properties?: unknown; required?: unknown };

/**
 * The zod object schema of a JSON Schema for an object with properties, for SchemaForm; null when
 * it is not one, or uses what zod cannot read (the caller then offers a JSON box instead).
 */
export function formSchemaOf(schema: unknown): z.ZodObject | null {
  const object = schema as ObjectSchema | null;
  if (!object || typeof object !== "object" || object.type !== "object") return null;
  // An object that names no properties takes none (an MCP tool without arguments says so).
  if (object.properties === undefined) return z.object({});
  if (!object.properties || typeof object.properties !== "object") return null;
  try {
    const converted = z.fromJSONSchema(object as Parameters<typeof z.fromJSONSchema>[0]);
    return converted instanceof z.ZodObject ? converted : null;
  } catch {
    return null;
  }
}

/**
 * A starting value for the JSON box: each property's type's empty value.
 * @example exampleValue({ type: "object", properties: { n: { type: "integer" } } }) // → { n: 0 }
 */
export function exampleValue(schema: unknown): unknown {
  const s = (schema ?? {}) as Record<string, unknown> & { properties?: Record<string, unknown> };
  switch (s.type) {
    case "object":
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, p]) => [k, exampleValue(p)]),
      );
    case "array":
      return [];
    case "string":
      return Array.isArray(s.enum) ? (s.enum[0] ?? "") : "";
    case "number":
    case "integer":
      return typeof s.minimum === "number" ? s.minimum : 0;
    case "boolean":
      return false;
    default:
      return s.type === undefined && Object.keys(s).length === 0 ? {} : null;
  }
}

/** What the form starts with: each property's default, and false for a checkbox. */
function initialValue(schema: unknown): Record<string, unknown> {
  const properties = ((schema as ObjectSchema).properties ?? {}) as Record<
    string,
    Record<string, unknown>
  >;
  const value: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (property?.default !== undefined) value[name] = structuredClone(property.default);
    else if (property?.type === "boolean") value[name] = false;
  }
  return value;
}

/**
 * A form generated from a JSON Schema (run input, a tool's arguments), on the app's one SchemaForm
 * in its `input` variant. Fields keep what they are given; text a field's schema refuses (a
 * number that is not one, JSON that does not parse) is shown under it and holds the submit back.
 * `problems` are the server's, by property name. `onSubmit` gets the value; the schema as a whole
 * is checked by whoever receives it (the server names what is missing). A schema that is not an
 * object with properties zod can read, or `isJson`, gives one JSON box instead; an object without
 * properties gives `emptyText`.
 *
 * ```tsx
 * <JsonSchemaForm schema={tool.inputSchema} idPrefix="tool-arg" label="Tool arguments" onSubmit={call}>
 *   <Button type="submit">Run tool</Button>
 * </JsonSchemaForm>
 * ```
 */
export function JsonSchemaForm({
  schema,
  idPrefix,
  label,
  problems,
  isJson = false,
  jsonLabel = "Value (JSON)",
  emptyText,
  onSubmit,
  children,
}: {
  schema: unknown;
  /** Field ids are `<idPrefix>-<property>`; the JSON box's is `<idPrefix>-json`. */
  idPrefix: string;
  /** The form's accessible name. */
  label?: string;
  problems?: Readonly<Record<string, string>>;
  /** One JSON box for the whole value, even where fields could be made. */
  isJson?: boolean;
  jsonLabel?: string;
  emptyText: string;
  onSubmit: (value: unknown) => void;
  children: ReactNode;
}) {
  const formSchema = useMemo(() => formSchemaOf(schema), [schema]);
  const mode =
    isJson || !formSchema
      ? "json"
      : Object.keys(formSchema.shape).length === 0
        ? "empty"
        : "fields";
  const [jsonError, setJsonError] = useState<string | null>(null);
  // Kept in a ref as well: a field commits on Enter or blur just before the submit event, in the
  // same turn, before React renders the new state.
  const [value, setValue] = useState<Record<string, unknown>>(() =>
    formSchema ? initialValue(schema) : {},
  );
  const latest = useRef<Record<string, unknown> | null>(null);
  const [typed, setTyped] = useState<ReadonlyMap<string, { message: string; text: string }>>(
    new Map(),
  );
  const latestTyped = useRef(typed);
  const sink = useMemo<FieldProblemSink>(
    () => ({
      report: (path, problem) => {
        const old = latestTyped.current;
        if (!problem && !old.has(path)) return;
        const next = new Map(old);
        if (problem) next.set(path, problem);
        else next.delete(path);
        latestTyped.current = next;
        setTyped(next);
      },
      pendingText: (path) => typed.get(path)?.text,
    }),
    [typed],
  );
  const shown = useMemo(() => {
    const byPath = new Map<string, string[]>();
    for (const [path, message] of Object.entries(problems ?? {})) byPath.set(path, [message]);
    for (const [path, problem] of typed) byPath.set(path, [problem.message]);
    return byPath;
  }, [problems, typed]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (mode === "empty") return onSubmit({});
    if (mode === "json") {
      try {
        const parsed: unknown = JSON.parse(String(new FormData(event.currentTarget).get("json")));
        setJsonError(null);
        return onSubmit(parsed);
      } catch {
        return setJsonError("This is not valid JSON.");
      }
    }
    if (latestTyped.current.size === 0) onSubmit(latest.current ?? value);
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label={label}>
      {mode === "empty" ? <p className="text-sm text-muted-foreground">{emptyText}</p> : null}
      {mode === "json" ? (
        <Field label={jsonLabel} htmlFor={`${idPrefix}-json`} error={jsonError ?? undefined}>
          <textarea
            id={`${idPrefix}-json`}
            name="json"
            rows={8}
            spellCheck={false}
            defaultValue={JSON.stringify(exampleValue(schema), null, 2)}
            className="w-full rounded-md border bg-card p-2 font-mono text-xs"
            aria-invalid={Boolean(jsonError)}
          />
        </Field>
      ) : null}
      {mode !== "fields" || !formSchema ? null : (
        <FieldProblemContext value={sink}>
          <SchemaForm
            schema={formSchema}
            value={value}
            onChange={(update) => {
              latest.current = update(latest.current ?? value);
              setValue(latest.current);
            }}
            problems={shown}
            pathPrefix=""
            variant="input"
            idPrefix={idPrefix}
          />
        </FieldProblemContext>
      )}
      {children}
    </form>
  );
}
