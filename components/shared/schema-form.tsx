"use client";

import { Plus, Trash2 } from "lucide-react";
import {
  createContext,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { z } from "zod";
import { FormError } from "@/components/ui/form-error";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { humanize, singularize } from "./field-labels";

/**
 * The app's one form generated from a schema: a zod object schema, or a JSON Schema turned into one
 * (`json-schema-form.tsx`, for run input and tool arguments). Text, numbers with their bounds,
 * choices, lists of text (one a line), repeated groups, nested groups, and JSON for anything else.
 * A value is kept only when its own schema accepts it; until then the field shows why not. Field
 * paths read like the compiler's (`config.branches[1].when`), so compile errors land on the field
 * at fault.
 *
 * Two variants: `config` (a node's or evaluator's settings: labels from the key, "(default)" for an
 * unset choice, hints by key) and `input` (what a person types to run something: the schema's
 * title or the key, "(optional)" on optional fields, "(none)" for an unset choice, the schema's
 * description as the hint, ids `<idPrefix>-<path>`).
 */
export type Pickers = Partial<
  Record<
    string,
    (props: { id: string; value: unknown; onChange: (value: unknown) => void }) => ReactNode
  >
>;

export type SchemaFormVariant = "config" | "input";

interface FieldProps {
  name: string;
  schema: z.ZodType;
  value: unknown;
  path: string;
  variant: SchemaFormVariant;
  idPrefix: string | undefined;
  /** Gets the field's latest value and returns its new one (a field committing late sees its siblings' changes). */
  onChange: (update: (old: unknown) => unknown) => void;
  problems: ReadonlyMap<string, string[]>;
  pickers: Pickers;
}

/**
 * Where a field reports typed text its schema refuses, by field path (null: the field is fine
 * again), and where it finds such text when it opens again. Without one, a field shows the
 * problem under itself only.
 */
export interface FieldProblemSink {
  report(path: string, problem: { message: string; text: string } | null): void;
  pendingText(path: string): string | undefined;
}
export const FieldProblemContext = createContext<FieldProblemSink | null>(null);

const LONG_TEXT = new Set([
  "instructions",
  "prompt",
  "system",
  "task",
  "message",
  "synthesisInstructions",
  "description",
  "when",
]);
const HINTS: Record<string, string> = {
  prompt: "Use {{input.field}} or {{steps.<node id>.output}} to put values in.",
  when: "A rule such as input.amount > 100 (rule mode), or what the branch is for.",
  model:
    "provider/model, e.g. openai/gpt-4o-mini or local/llama3.1 (provider:model works too); empty: the tenant's default.",
  mcpServers: "Installed MCP servers the agent may use.",
  allowedTools: "One tool name per line; empty: every tool of its servers.",
  notSafeToRepeat:
    "For calls that must not happen twice (a payment, an e-mail): if the worker running this step stops, the run waits for a person to retry, skip or fail it instead of sending the call again.",
};

/** Whether a field may be left out (it is optional or has a default). */
function isOptional(schema: z.ZodType): boolean {
  return (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault
  );
}

/** The title and description a schema carries (zod's `.meta()`, or a JSON Schema's). */
function metaOf(schema: z.ZodType, inner: z.ZodType): { title?: string; description?: string } {
  const meta = { ...z.globalRegistry.get(inner), ...z.globalRegistry.get(schema) };
  return {
    title: typeof meta.title === "string" ? meta.title : undefined,
    description:
      typeof meta.description === "string"
        ? meta.description
        : (schema.description ?? inner.description),
  };
}

/** The schema under optional/default wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
    } else return current;
  }
}

export function SchemaForm({
  schema,
  value,
  onChange,
  problems,
  pickers = {},
  pathPrefix = "config",
  variant = "config",
  idPrefix,
}: {
  schema: z.ZodObject;
  value: Record<string, unknown>;
  onChange: (update: (old: Record<string, unknown>) => Record<string, unknown>) => void;
  problems: ReadonlyMap<string, string[]>;
  pickers?: Pickers;
  pathPrefix?: string;
  variant?: SchemaFormVariant;
  /** Stable field ids (`<idPrefix>-<path>`); without it, React makes them. */
  idPrefix?: string;
}) {
  return (
    <div className="space-y-3">
      {Object.entries(schema.shape).map(([name, field]) => (
        <SchemaField
          key={name}
          name={name}
          schema={field as z.ZodType}
          value={value[name]}
          path={pathPrefix ? `${pathPrefix}.${name}` : name}
          problems={problems}
          pickers={pickers}
          variant={variant}
          idPrefix={idPrefix}
          onChange={(update) =>
            onChange((old) => {
              const copy = { ...old };
              const next = update(old[name]);
              // An emptied field is left out, as if never set (a checkbox's false is kept for input).
              if (next === undefined || next === "" || (Array.isArray(next) && next.length === 0))
                delete copy[name];
              else copy[name] = next;
              return copy;
            })
          }
        />
      ))}
    </div>
  );
}

function SchemaField(props: FieldProps) {
  const generatedId = useId();
  const { name, schema, value, path, problems, pickers, variant, idPrefix } = props;
  const id = idPrefix ? `${idPrefix}-${path}` : generatedId;
  const onChange = (next: unknown) => props.onChange(() => next);
  const inner = unwrap(schema);
  const picker = pickers[name];
  const isInput = variant === "input";
  const meta = metaOf(schema, inner);
  const label = isInput
    ? `${meta.title ?? name}${isOptional(schema) ? " (optional)" : ""}`
    : humanize(name);
  const hint = isInput ? meta.description : HINTS[name];
  let control: ReactNode;
  if (picker) control = picker({ id, value, onChange });
  else if (inner instanceof z.ZodString) {
    control = (
      <TextControl
        id={id}
        multiline={!isInput && LONG_TEXT.has(name)}
        value={typeof value === "string" ? value : ""}
        onCommit={onChange}
      />
    );
  } else if (inner instanceof z.ZodNumber) {
    control = (
      <NumberControl
        id={id}
        path={path}
        label={label}
        schema={inner}
        value={typeof value === "number" ? value : undefined}
        onCommit={onChange}
      />
    );
  } else if (inner instanceof z.ZodEnum) {
    control = (
      <select
        id={id}
        className={inputClass}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        {isInput && !isOptional(schema) ? null : (
          <option value="">{isInput ? "(none)" : "(default)"}</option>
        )}
        {inner.options.map((option) => (
          <option key={String(option)} value={String(option)}>
            {String(option)}
          </option>
        ))}
      </select>
    );
  } else if (inner instanceof z.ZodBoolean) {
    control = (
      <input
        id={id}
        type="checkbox"
        className={isInput ? "size-4" : undefined}
        checked={value === true}
        onChange={(e) => onChange(isInput ? e.target.checked : e.target.checked || undefined)}
      />
    );
  } else if (
    inner instanceof z.ZodArray &&
    unwrap(inner.element as z.ZodType) instanceof z.ZodString
  ) {
    control = (
      <TextControl
        id={id}
        multiline
        value={Array.isArray(value) ? value.join("\n") : ""}
        onCommit={(text) =>
          onChange(
            text
              .split("\n")
              .map((line) => line.trim())
              .filter(Boolean),
          )
        }
      />
    );
  } else if (
    inner instanceof z.ZodArray &&
    unwrap(inner.element as z.ZodType) instanceof z.ZodObject
  ) {
    return (
      <ObjectListField {...props} element={unwrap(inner.element as z.ZodType) as z.ZodObject} />
    );
  } else if (inner instanceof z.ZodObject && Object.keys(inner.shape).length > 0) {
    return (
      <fieldset className="space-y-3 rounded-md border p-3">
        <legend className="px-1 text-sm font-medium">{label}</legend>
        <SchemaForm
          schema={inner}
          value={(value as Record<string, unknown>) ?? {}}
          onChange={(update) =>
            props.onChange((old) => {
              const next = update((old as Record<string, unknown>) ?? {});
              return Object.keys(next).length ? next : undefined;
            })
          }
          problems={problems}
          pickers={pickers}
          pathPrefix={path}
          variant={variant}
          idPrefix={idPrefix}
        />
      </fieldset>
    );
  } else {
    control = (
      <JsonControl
        id={id}
        path={path}
        label={label}
        schema={inner}
        value={value}
        onCommit={onChange}
      />
    );
  }
  return (
    <FieldFrame id={id} label={label} hint={hint} problems={problems.get(path)}>
      {control}
    </FieldFrame>
  );
}

function ObjectListField({
  name,
  element,
  value,
  path,
  onChange,
  problems,
  pickers,
  variant,
  idPrefix,
}: FieldProps & { element: z.ZodObject }) {
  const items = Array.isArray(value) ? (value as Record<string, unknown>[]) : [];
  const update = (change: (items: Record<string, unknown>[]) => Record<string, unknown>[]) =>
    onChange((old) => change(Array.isArray(old) ? (old as Record<string, unknown>[]) : []));
  const singular = singularize(humanize(name)).toLowerCase();
  return (
    <fieldset className="space-y-2 rounded-md border p-3">
      <legend className="px-1 text-sm font-medium">{humanize(name)}</legend>
      {items.map((item, index) => (
        <div key={index} className="space-y-2 rounded-md bg-muted/40 p-2">
          <div className="flex items-center justify-between text-xs text-muted-foreground">
            <span>
              {humanize(singular)} {index + 1}
            </span>
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Remove ${singular} ${index + 1}`}
              onClick={() => update((all) => all.filter((_, i) => i !== index))}
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </div>
          <SchemaForm
            schema={element}
            value={item}
            onChange={(change) =>
              update((all) => all.map((old, i) => (i === index ? change(old) : old)))
            }
            problems={problems}
            pickers={pickers}
            pathPrefix={`${path}[${index}]`}
            variant={variant}
            idPrefix={idPrefix}
          />
        </div>
      ))}
      {problems.get(path)?.map((p) => (
        <FormError key={p}>{p}</FormError>
      ))}
      <Button
        variant="secondary"
        size="sm"
        onClick={() => update((all) => [...all, defaultsOf(element)])}
      >
        <Plus className="size-4" aria-hidden /> Add {singular}
      </Button>
    </fieldset>
  );
}

/** A new item of a repeated group: its required text fields start empty (a branch needs a name). */
function defaultsOf(schema: z.ZodObject): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(schema.shape).flatMap(([key, field]) =>
      field instanceof z.ZodString ? [[key, ""]] : [],
    ),
  );
}

const inputClass =
  "w-full rounded-md border bg-card px-2.5 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring aria-invalid:border-danger";

export function FieldFrame({
  id,
  label,
  hint,
  problems,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  problems?: string[];
  children: ReactNode;
}) {
  return (
    <div className="space-y-1" data-field={label}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {children}
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      {problems?.map((p) => (
        <FormError key={p}>{p}</FormError>
      ))}
    </div>
  );
}

/**
 * Typing stays in the field; the node gets the value when the field loses focus, on Enter (one
 * line), or after a pause, so a burst of typing is one undo step. Text the field's schema refuses
 * is reported to the FieldProblemContext (the problems list, which then blocks publish and run)
 * and kept there until it is fixed, so it is never dropped without a word.
 */
function useCommitted<T>(
  field: { path: string; label: string } | null,
  value: T,
  format: (value: T) => string,
  commit: (text: string) => string | null,
) {
  const sink = useContext(FieldProblemContext);
  const pending = field ? sink?.pendingText(field.path) : undefined;
  const [text, setText] = useState(() => pending ?? format(value));
  // The message itself is in the problems list; here it only marks the field invalid.
  const [problem, setProblem] = useState<string | null>(pending === undefined ? null : "Not saved");
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const formatted = format(value);
  const last = useRef(formatted);
  const report = (error: string | null, typed: string) => {
    setProblem(error);
    if (field)
      sink?.report(
        field.path,
        error
          ? {
              message: `${field.label}: ${error}. What you typed is not saved until this is fixed.`,
              text: typed,
            }
          : null,
      );
  };
  useEffect(() => {
    // The node changed from elsewhere (undo, another field): show its value.
    if (formatted !== last.current) {
      last.current = formatted;
      setText(formatted);
      report(null, formatted);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a change of the node's value resets the field
  }, [formatted]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const flush = (next = text) => {
    clearTimeout(timer.current);
    if (next === last.current) {
      // Typed back to the stored value.
      if (problem) report(null, next);
      return;
    }
    const error = commit(next);
    report(error, next);
    if (!error) last.current = next;
  };
  const change = (next: string) => {
    setText(next);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => flush(next), 800);
  };
  return { text, problem, change, flush };
}

function TextControl({
  id,
  value,
  multiline,
  onCommit,
}: {
  id: string;
  value: string;
  multiline: boolean;
  onCommit: (text: string) => void;
}) {
  const { text, change, flush } = useCommitted(
    null,
    value,
    (v) => v,
    (next) => {
      onCommit(next);
      return null;
    },
  );
  return multiline ? (
    <textarea
      id={id}
      rows={3}
      className={cn(inputClass, "font-mono text-xs")}
      value={text}
      onChange={(e) => change(e.target.value)}
      onBlur={() => flush()}
    />
  ) : (
    <input
      id={id}
      className={inputClass}
      value={text}
      onChange={(e) => change(e.target.value)}
      onBlur={() => flush()}
      onKeyDown={(e) => e.key === "Enter" && flush()}
    />
  );
}

type FieldControlProps = { id: string; path: string; label: string };

/** A field's own problem, shown under it only when no FieldProblemContext shows it with the others. */
function LocalProblem({ problem }: { problem: string | null }) {
  const sink = useContext(FieldProblemContext);
  if (!problem || sink) return null;
  return <FormError>{problem}</FormError>;
}

function NumberControl({
  id,
  path,
  label,
  schema,
  value,
  onCommit,
}: FieldControlProps & {
  schema: z.ZodNumber;
  value: number | undefined;
  onCommit: (value: number | undefined) => void;
}) {
  const { text, problem, change, flush } = useCommitted(
    { path, label },
    value,
    (v) => (v === undefined ? "" : String(v)),
    (next) => {
      if (next.trim() === "") return (onCommit(undefined), null);
      const parsed = schema.safeParse(Number(next));
      if (!parsed.success) return parsed.error.issues[0]?.message ?? "Not a valid number";
      onCommit(parsed.data);
      return null;
    },
  );
  return (
    <>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={schema.minValue ?? undefined}
        max={schema.maxValue ?? undefined}
        step={schema.isInt ? 1 : "any"}
        aria-invalid={problem ? true : undefined}
        className={inputClass}
        value={text}
        onChange={(e) => change(e.target.value)}
        onBlur={() => flush()}
        onKeyDown={(e) => e.key === "Enter" && flush()}
      />
      <LocalProblem problem={problem} />
    </>
  );
}

function JsonControl({
  id,
  path,
  label,
  schema,
  value,
  onCommit,
}: FieldControlProps & { schema: z.ZodType; value: unknown; onCommit: (value: unknown) => void }) {
  const { text, problem, change, flush } = useCommitted(
    { path, label },
    value,
    (v) => (v === undefined ? "" : JSON.stringify(v, null, 2)),
    (next) => {
      if (next.trim() === "") return (onCommit(undefined), null);
      let json: unknown;
      try {
        json = JSON.parse(next);
      } catch {
        return "Not valid JSON";
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        return parsed.error.issues
          .map((i) => `${i.path.join(".") || "value"}: ${i.message}`)
          .join("; ");
      onCommit(json);
      return null;
    },
  );
  return (
    <>
      <textarea
        id={id}
        rows={5}
        spellCheck={false}
        aria-invalid={problem ? true : undefined}
        className={cn(inputClass, "font-mono text-xs")}
        value={text}
        onChange={(e) => change(e.target.value)}
        onBlur={() => flush()}
      />
      <LocalProblem problem={problem} />
    </>
  );
}
