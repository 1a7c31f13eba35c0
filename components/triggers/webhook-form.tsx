"use client";

import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { Plus, Trash2 } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { Button } from "@/components/ui/button";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input, Label } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import { sourcesOfRequest } from "./webhook-examples";

export type WebhookItem = inferRouterOutputs<AppRouter>["webhook"]["list"][number];
type Config = WebhookItem["config"];
export type WebhookFormValues = {
  name: string;
  config: NonNullable<inferRouterInputs<AppRouter>["webhook"]["create"]["config"]>;
};

const DEFAULTS: Config = {
  method: "POST",
  auth: "hmac-sha256",
  authHeader: "X-Hub-Signature-256",
  version: "latest",
  response: "async",
  timeoutSeconds: 30,
  mapping: {},
};
const DEFAULT_HEADERS: Record<Config["auth"], string> = {
  "hmac-sha256": "X-Hub-Signature-256",
  header: "X-Webhook-Secret",
  none: "",
};

const selectClass = "h-10 w-full rounded-md border bg-card px-3 text-sm";

function Select<T extends string>({
  id,
  label,
  value,
  options,
  onChange,
}: {
  id: string;
  label: string;
  value: T;
  options: [T, string][];
  onChange: (value: T) => void;
}) {
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value as T)}
        className={selectClass}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * Adding or changing a webhook: method, how callers prove the secret, which version runs, how the
 * request is answered, and the input mapping (rows of input field ← request value; suggestions come
 * from the last test request). Server field errors show under the form.
 */
export function WebhookForm({
  hook,
  onSubmit,
  onCancel,
  isPending,
  error,
}: {
  hook: WebhookItem | null;
  onSubmit: (values: WebhookFormValues) => void;
  onCancel: () => void;
  isPending: boolean;
  error: unknown;
}) {
  const id = useId();
  const [name, setName] = useState(hook?.name ?? "");
  const [config, setConfig] = useState<Config>(hook?.config ?? DEFAULTS);
  const [rows, setRows] = useState<{ field: string; source: string }[]>(() =>
    Object.entries(hook?.config.mapping ?? {}).map(([field, source]) => ({ field, source })),
  );
  const [clientError, setClientError] = useState<string | null>(null);
  const errors = fieldErrorsOf(error, ["name", "config"] as const);
  const sources = sourcesOfRequest(hook?.lastRequest);
  const set = <K extends keyof Config>(key: K, value: Config[K]) =>
    setConfig((c) => ({ ...c, [key]: value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    const filled = rows.filter((r) => r.field.trim() || r.source.trim());
    const fields = filled.map((r) => r.field.trim());
    if (filled.some((r) => !r.field.trim() || !r.source.trim()))
      return setClientError(
        "Each mapping row needs an input field and where its value comes from.",
      );
    if (new Set(fields).size !== fields.length)
      return setClientError("Each input field can be mapped once.");
    setClientError(null);
    const mapping = Object.fromEntries(filled.map((r) => [r.field.trim(), r.source.trim()]));
    const { authHeader, ...rest } = config;
    onSubmit({
      name: name.trim(),
      config: {
        ...rest,
        mapping,
        ...(config.auth === "none"
          ? {}
          : { authHeader: authHeader.trim() || DEFAULT_HEADERS[config.auth] }),
      },
    });
  }

  return (
    <form
      onSubmit={submit}
      className="space-y-4 rounded-lg border p-4"
      noValidate
      aria-label={hook ? `Edit ${hook.name || "webhook"}` : "New webhook"}
    >
      <Field label="Name" htmlFor={`${id}-name`} error={errors.name}>
        <Input
          id={`${id}-name`}
          value={name}
          maxLength={80}
          placeholder="e.g. GitHub issues"
          onChange={(e) => setName(e.target.value)}
          autoFocus
        />
      </Field>
      <div className="grid gap-3 sm:grid-cols-3">
        <Select
          id={`${id}-method`}
          label="Method"
          value={config.method}
          options={[
            ["POST", "POST"],
            ["PUT", "PUT"],
            ["GET", "GET"],
          ]}
          onChange={(v) => set("method", v)}
        />
        <Select
          id={`${id}-auth`}
          label="Callers prove"
          value={config.auth}
          options={[
            ["hmac-sha256", "HMAC-SHA256 signature"],
            ["header", "A secret header"],
            ["none", "Nothing (anyone with the URL)"],
          ]}
          onChange={(v) =>
            setConfig((c) => ({ ...c, auth: v, authHeader: DEFAULT_HEADERS[v] || c.authHeader }))
          }
        />
        {config.auth === "none" ? null : (
          <Field
            label={config.auth === "header" ? "Secret header" : "Signature header"}
            htmlFor={`${id}-header`}
          >
            <Input
              id={`${id}-header`}
              value={config.authHeader}
              maxLength={64}
              onChange={(e) => set("authHeader", e.target.value)}
            />
          </Field>
        )}
      </div>
      <div className="grid gap-3 sm:grid-cols-3">
        <Select
          id={`${id}-version`}
          label="Runs"
          value={config.version}
          options={[
            ["latest", "The latest published version"],
            ["draft", "The draft (for testing)"],
          ]}
          onChange={(v) => set("version", v)}
        />
        <Select
          id={`${id}-response`}
          label="Answers"
          value={config.response}
          options={[
            ["async", "202 at once (async)"],
            ["wait", "The run's output (wait)"],
            ["stream", "Server-sent events (stream)"],
          ]}
          onChange={(v) => set("response", v)}
        />
        {config.response === "async" ? null : (
          <Field label="Timeout (seconds, ≤ 300)" htmlFor={`${id}-timeout`}>
            <Input
              id={`${id}-timeout`}
              type="number"
              min={1}
              max={300}
              value={config.timeoutSeconds}
              onChange={(e) => set("timeoutSeconds", Number(e.target.value))}
            />
          </Field>
        )}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Input mapping</legend>
        <p className="text-xs text-muted-foreground">
          No rows: the whole JSON body is the run&apos;s input. Otherwise each input field takes a
          value from <code>body</code>, <code>body.a.b</code>, <code>query.x</code> or{" "}
          <code>headers.x-y</code>.
        </p>
        {rows.map((row, i) => (
          <div key={i} className="flex items-center gap-2">
            <Input
              aria-label={`Input field ${i + 1}`}
              placeholder="input field"
              value={row.field}
              onChange={(e) =>
                setRows((r) => r.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)))
              }
            />
            <span aria-hidden className="text-muted-foreground">
              ←
            </span>
            <Input
              aria-label={`Value of input field ${i + 1}`}
              placeholder="body.issue.title"
              list={`${id}-sources`}
              value={row.source}
              onChange={(e) =>
                setRows((r) => r.map((x, j) => (j === i ? { ...x, source: e.target.value } : x)))
              }
            />
            <Button
              variant="ghost"
              size="sm"
              aria-label={`Remove mapping row ${i + 1}`}
              onClick={() => setRows((r) => r.filter((_, j) => j !== i))}
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </div>
        ))}
        <datalist id={`${id}-sources`}>
          {sources.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => setRows((r) => [...r, { field: "", source: "" }])}
        >
          <Plus className="size-4" aria-hidden /> Add a field
        </Button>
        {sources.length > 1 ? (
          <p className="text-xs text-muted-foreground">
            Suggestions come from the last test request.
          </p>
        ) : null}
      </fieldset>
      {clientError || errors.config || errors.form ? (
        <FormError>{clientError ?? errors.config ?? errors.form}</FormError>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={isPending}>
          {isPending ? <Spinner /> : null}
          {hook ? "Save webhook" : "Add webhook"}
        </Button>
      </div>
    </form>
  );
}
