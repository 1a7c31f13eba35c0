"use client";

import { ExternalLink } from "lucide-react";
import { useId, useMemo, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/form-error";
import { Field, Input } from "@/components/ui/input";
import {
  checkElicitationContent,
  readElicitationFields,
  type ElicitationField,
  type ElicitationValue,
} from "@/engine/schema/elicitation-form";

/** A question an MCP server asks (server/mcp/elicitation.ts ElicitationRequest, as JSON). */
export type ElicitationQuestion =
  | { mode: "form"; message: string; requestedSchema: Record<string, unknown> }
  | { mode: "url"; message: string; url: string; elicitationId: string };

export type ElicitationReply = {
  action: "accept" | "decline" | "cancel";
  content?: Record<string, ElicitationValue>;
};

type Props = {
  /** Who asks: the person must see which server wants what. */
  server: string;
  question: ElicitationQuestion;
  onAnswer: (reply: ElicitationReply) => void;
  isPending?: boolean;
  /** The server's refusal of the last answer, shown above the buttons. */
  error?: string | null;
};

/**
 * The one form for a server's question, in the tool runner and on waiting run steps. Form mode:
 * fields from the requested schema, checked by the same rules as the server before sending. URL
 * mode: the target's host shown plainly and opened only by the person's click (never by us), then
 * "Done" once they finished there; what they type on that page never passes through this app.
 */
export function ElicitationForm({ server, question, onAnswer, isPending, error }: Props) {
  return (
    <section
      aria-label={`Question from ${server}`}
      className="space-y-3 rounded-lg border border-primary/40 bg-primary/5 p-3"
    >
      <p className="text-sm">
        <span className="font-medium">{server}</span> asks: {question.message}
      </p>
      {question.mode === "url" ? (
        <UrlQuestion url={question.url} onAnswer={onAnswer} isPending={isPending} error={error} />
      ) : (
        <FormQuestion
          schema={question.requestedSchema}
          onAnswer={onAnswer}
          isPending={isPending}
          error={error}
        />
      )}
    </section>
  );
}

function UrlQuestion({
  url,
  onAnswer,
  isPending,
  error,
}: { url: string } & Omit<Props, "server" | "question">) {
  const host = useMemo(() => {
    try {
      return new URL(url).host;
    } catch {
      return null;
    }
  }, [url]);
  const [opened, setOpened] = useState(false);
  return (
    <div className="space-y-2">
      <p className="text-sm">
        It wants you to open a page on{" "}
        <strong className="font-mono">{host ?? "an unreadable address"}</strong>
      </p>
      <p className="break-all font-mono text-xs text-muted-foreground">{url}</p>
      <FormError>{error}</FormError>
      <div className="flex flex-wrap gap-2">
        {host ? (
          <Button
            variant="secondary"
            onClick={() => {
              window.open(url, "_blank", "noopener,noreferrer");
              setOpened(true);
            }}
          >
            <ExternalLink className="size-4" aria-hidden /> Open {host}
          </Button>
        ) : null}
        <Button disabled={isPending || !opened} onClick={() => onAnswer({ action: "accept" })}>
          Done
        </Button>
        <AnswerButtons onAnswer={onAnswer} isPending={isPending} />
      </div>
    </div>
  );
}

function AnswerButtons({ onAnswer, isPending }: Pick<Props, "onAnswer" | "isPending">) {
  return (
    <>
      <Button
        variant="secondary"
        disabled={isPending}
        onClick={() => onAnswer({ action: "decline" })}
      >
        Decline
      </Button>
      <Button variant="ghost" disabled={isPending} onClick={() => onAnswer({ action: "cancel" })}>
        Cancel
      </Button>
    </>
  );
}

type Draft = Record<string, string | boolean | string[]>;

function startingDraft(fields: ElicitationField[]): Draft {
  const draft: Draft = {};
  for (const f of fields) {
    if (f.kind === "boolean") draft[f.name] = f.default === true;
    else if (f.kind === "multi") draft[f.name] = Array.isArray(f.default) ? f.default : [];
    else draft[f.name] = f.default === undefined ? "" : String(f.default);
  }
  return draft;
}

/** The draft as the server wants it: numbers as numbers, empty optional fields left out. */
function contentOf(fields: ElicitationField[], draft: Draft): Record<string, ElicitationValue> {
  const content: Record<string, ElicitationValue> = {};
  for (const f of fields) {
    const v = draft[f.name];
    if (v === undefined || v === "") continue;
    if ((f.kind === "number" || f.kind === "integer") && typeof v === "string") {
      const n = Number(v);
      content[f.name] = Number.isNaN(n) ? v : n;
    } else content[f.name] = v;
  }
  return content;
}

function FormQuestion({
  schema,
  onAnswer,
  isPending,
  error,
}: { schema: Record<string, unknown> } & Omit<Props, "server" | "question">) {
  const id = useId();
  const fields = useMemo(() => {
    try {
      return readElicitationFields(schema);
    } catch {
      return [];
    }
  }, [schema]);
  const [draft, setDraft] = useState<Draft>(() => startingDraft(fields));
  const [problems, setProblems] = useState<string[]>([]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const content = contentOf(fields, draft);
    const found = checkElicitationContent(fields, content);
    setProblems(found);
    if (found.length === 0) onAnswer({ action: "accept", content });
  };
  const set = (name: string, value: string | boolean | string[]) =>
    setDraft((d) => ({ ...d, [name]: value }));
  return (
    <form onSubmit={submit} className="space-y-3" noValidate>
      {fields.map((f) => (
        <FieldInput
          key={f.name}
          id={`${id}-${f.name}`}
          field={f}
          value={draft[f.name]}
          onChange={set}
        />
      ))}
      <FormError>{problems.join("; ") || error}</FormError>
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={isPending}>
          Accept
        </Button>
        <AnswerButtons onAnswer={onAnswer} isPending={isPending} />
      </div>
    </form>
  );
}

function FieldInput({
  id,
  field: f,
  value,
  onChange,
}: {
  id: string;
  field: ElicitationField;
  value: string | boolean | string[] | undefined;
  onChange: (name: string, value: string | boolean | string[]) => void;
}) {
  const label = `${f.title}${f.required ? " *" : ""}`;
  if (f.kind === "boolean")
    return (
      <label className="flex items-center gap-2 text-sm" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          onChange={(e) => onChange(f.name, e.target.checked)}
        />
        {label}
        {f.description ? <span className="text-muted-foreground">— {f.description}</span> : null}
      </label>
    );
  if (f.kind === "multi")
    return (
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">{label}</legend>
        {f.options?.map((o) => {
          const chosen = Array.isArray(value) ? value : [];
          return (
            <label key={o.value} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={chosen.includes(o.value)}
                onChange={(e) =>
                  onChange(
                    f.name,
                    e.target.checked ? [...chosen, o.value] : chosen.filter((c) => c !== o.value),
                  )
                }
              />
              {o.label}
            </label>
          );
        })}
      </fieldset>
    );
  return (
    <Field label={label} htmlFor={id}>
      {f.kind === "enum" ? (
        <select
          id={id}
          className="h-10 w-full rounded-md border bg-card px-3 text-sm"
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(f.name, e.target.value)}
        >
          <option value="">—</option>
          {f.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <Input
          id={id}
          type={f.kind === "string" ? inputTypeOf(f.format) : "number"}
          {...(f.kind === "integer" ? { step: 1 } : f.kind === "number" ? { step: "any" } : {})}
          {...(f.minimum !== undefined ? { min: f.minimum } : {})}
          {...(f.maximum !== undefined ? { max: f.maximum } : {})}
          {...(f.maxLength !== undefined ? { maxLength: f.maxLength } : {})}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(f.name, e.target.value)}
          {...(f.description ? { placeholder: f.description } : {})}
        />
      )}
    </Field>
  );
}

function inputTypeOf(format: ElicitationField["format"]): string {
  if (format === "email") return "email";
  if (format === "uri") return "url";
  if (format === "date") return "date";
  if (format === "date-time") return "text";
  return "text";
}
