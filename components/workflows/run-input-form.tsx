"use client";

import type { JsonSchema } from "@/engine/schema/json-schema";
import { Field, Input } from "@/components/ui/input";

type SimpleType = "string" | "number" | "integer" | "boolean";
const SIMPLE = new Set<string>(["string", "number", "integer", "boolean"]);

/** The properties of an object schema whose every property is a string, number or boolean; else null. */
export function simpleProperties(
  schema: JsonSchema | null,
): [string, JsonSchema & { type: SimpleType }][] | null {
  if (!schema || schema.type !== "object" || !schema.properties) return null;
  const entries = Object.entries(schema.properties);
  if (!entries.every(([, p]) => p.type && SIMPLE.has(p.type))) return null;
  return entries as [string, JsonSchema & { type: SimpleType }][];
}

/** A starting value for the JSON editor: each property's type's empty value. */
export function exampleInput(schema: JsonSchema | null): unknown {
  if (!schema) return {};
  switch (schema.type) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, p]) => [k, exampleInput(p)]),
      );
    case "array":
      return [];
    case "string":
      return schema.enum?.[0] ?? "";
    case "number":
    case "integer":
      return schema.minimum ?? 0;
    case "boolean":
      return false;
    default:
      return null;
  }
}

/** Turns the form's strings into the schema's types; empty optional fields are left out. */
export function readFields(
  form: FormData,
  properties: [string, JsonSchema & { type: SimpleType }][],
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, property] of properties) {
    if (property.type === "boolean") {
      input[key] = form.get(key) === "on";
      continue;
    }
    const raw = String(form.get(key) ?? "");
    if (raw === "") continue;
    input[key] = property.type === "string" ? raw : Number(raw);
  }
  return input;
}

export function SchemaFields({
  schema,
  properties,
  errors,
}: {
  schema: JsonSchema;
  properties: [string, JsonSchema & { type: SimpleType }][];
  errors: Record<string, string>;
}) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {properties.map(([key, property], i) => {
        const id = `run-input-${key}`;
        const label = `${property.title ?? key}${required.has(key) ? "" : " (optional)"}`;
        if (property.type === "boolean") {
          return (
            <label key={key} className="flex items-center gap-2 text-sm font-medium">
              <input type="checkbox" name={key} className="size-4" />
              {label}
            </label>
          );
        }
        return (
          <Field key={key} label={label} htmlFor={id} error={errors[key]}>
            {property.enum ? (
              <select
                id={id}
                name={key}
                className="h-10 w-full rounded-md border bg-card px-3 text-sm"
              >
                {/* An optional choice can be left out: the workflow then reads it as empty. */}
                {required.has(key) ? null : <option value="">(none)</option>}
                {property.enum.map((option) => (
                  <option key={String(option)}>{String(option)}</option>
                ))}
              </select>
            ) : (
              <Input
                id={id}
                name={key}
                type={property.type === "string" ? "text" : "number"}
                step={property.type === "integer" ? 1 : "any"}
                placeholder={property.description}
                aria-invalid={Boolean(errors[key])}
                aria-describedby={errors[key] ? `${id}-error` : undefined}
                autoFocus={i === 0}
              />
            )}
          </Field>
        );
      })}
    </>
  );
}
