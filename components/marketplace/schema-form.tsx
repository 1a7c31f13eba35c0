"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { Field, Input } from "@/components/ui/input";

/**
 * A form generated from a tool's JSON Schema: strings, numbers, integers, booleans, enums, arrays
 * of strings (one per line), and anything else as a JSON textarea. Values are converted and
 * checked on submit, with a message under the field that is wrong.
 */

type Schema = {
  type?: unknown;
  description?: unknown;
  enum?: unknown;
  items?: unknown;
  default?: unknown;
  title?: unknown;
};

const asSchema = (value: unknown): Schema =>
  value && typeof value === "object" ? (value as Schema) : {};

function kindOf(
  schema: Schema,
): "string" | "number" | "integer" | "boolean" | "enum" | "strings" | "json" {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "string")) return "enum";
  if (schema.type === "string") return "string";
  if (schema.type === "number") return "number";
  if (schema.type === "integer") return "integer";
  if (schema.type === "boolean") return "boolean";
  if (schema.type === "array" && asSchema(schema.items).type === "string") return "strings";
  return "json";
}

function convert(
  kind: ReturnType<typeof kindOf>,
  raw: string,
  checked: boolean,
): { value?: unknown; error?: string } {
  switch (kind) {
    case "boolean":
      return { value: checked };
    case "number":
    case "integer": {
      const n = Number(raw);
      if (!Number.isFinite(n)) return { error: "Enter a number" };
      if (kind === "integer" && !Number.isInteger(n)) return { error: "Enter a whole number" };
      return { value: n };
    }
    case "strings":
      return {
        value: raw
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean),
      };
    case "json":
      try {
        return { value: JSON.parse(raw) };
      } catch {
        return { error: "Enter valid JSON" };
      }
    default:
      return { value: raw };
  }
}

export function SchemaForm({
  schema,
  idPrefix,
  onSubmit,
  children,
}: {
  schema: Record<string, unknown>;
  idPrefix: string;
  onSubmit: (args: Record<string, unknown>) => void;
  children: ReactNode;
}) {
  const properties = Object.entries(
    asSchema(schema).type === "object" && schema.properties && typeof schema.properties === "object"
      ? (schema.properties as Record<string, unknown>)
      : {},
  );
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const [errors, setErrors] = useState<Record<string, string>>({});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const args: Record<string, unknown> = {};
    const found: Record<string, string> = {};
    for (const [name, raw] of properties) {
      const kind = kindOf(asSchema(raw));
      const text = String(data.get(name) ?? "");
      const checkbox = form.elements.namedItem(name);
      const checked = checkbox instanceof HTMLInputElement && checkbox.checked;
      if (kind !== "boolean" && text.trim() === "") {
        if (required.has(name)) found[name] = "Required";
        continue;
      }
      const { value, error } = convert(kind, text, checked);
      if (error) found[name] = error;
      else args[name] = value;
    }
    setErrors(found);
    if (Object.keys(found).length === 0) onSubmit(args);
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Tool arguments">
      {properties.length === 0 ? (
        <p className="text-sm text-muted-foreground">This tool takes no arguments.</p>
      ) : null}
      {properties.map(([name, raw]) => {
        const field = asSchema(raw);
        const kind = kindOf(field);
        const id = `${idPrefix}-${name}`;
        const label = `${name}${required.has(name) ? " *" : ""}`;
        const description = typeof field.description === "string" ? field.description : undefined;
        const initial =
          field.default === undefined
            ? undefined
            : kind === "json" || kind === "strings"
              ? JSON.stringify(field.default)
              : String(field.default);
        return (
          <Field key={name} label={label} htmlFor={id} error={errors[name]}>
            {kind === "boolean" ? (
              <input
                id={id}
                name={name}
                type="checkbox"
                defaultChecked={field.default === true}
                className="size-4"
              />
            ) : kind === "enum" ? (
              <select
                id={id}
                name={name}
                defaultValue={initial ?? ""}
                className="h-10 w-full rounded-md border bg-card px-3 text-sm"
              >
                {required.has(name) ? null : <option value="">—</option>}
                {(field.enum as string[]).map((option) => (
                  <option key={option}>{option}</option>
                ))}
              </select>
            ) : kind === "json" || kind === "strings" ? (
              <textarea
                id={id}
                name={name}
                defaultValue={initial}
                rows={kind === "json" ? 4 : 3}
                placeholder={kind === "strings" ? "One value per line" : "JSON"}
                aria-invalid={Boolean(errors[name])}
                className="w-full rounded-md border bg-card px-3 py-2 font-mono text-sm"
              />
            ) : (
              <Input
                id={id}
                name={name}
                type={kind === "string" ? "text" : "number"}
                step={kind === "number" ? "any" : undefined}
                defaultValue={initial}
                aria-invalid={Boolean(errors[name])}
              />
            )}
            {description ? <p className="text-xs text-muted-foreground">{description}</p> : null}
          </Field>
        );
      })}
      {children}
    </form>
  );
}
