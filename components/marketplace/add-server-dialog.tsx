"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Plus, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { DialogActions } from "@/components/ui/dialog-actions";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { FormError } from "@/components/ui/form-error";
import { Field, Input } from "@/components/ui/input";
import {
  checkAddServerForm,
  EMPTY_FORM,
  type AddServerForm,
  type FormErrors,
  type NamedRow,
} from "./add-server-form";
import { messageOf } from "./types";

type Tab = AddServerForm["kind"] | "import";
const TABS: [Tab, string][] = [
  ["npm", "npm package"],
  ["command", "Command"],
  ["url", "URL"],
  ["import", "Import config"],
];
const SERVER_FIELDS = [
  "name",
  "package",
  "version",
  "command",
  "args",
  "env",
  "url",
  "headers",
] as const;
const selectClass = "h-10 w-full rounded-md border bg-card px-3 text-sm";
const textareaClass = "w-full rounded-md border bg-card px-3 py-2 font-mono text-xs";

/**
 * Add a server without writing JSON: an npm package (run through npx), a command, or a URL with
 * headers; or paste a Claude Desktop, Cursor or VS Code config ("Import config"). The form is
 * checked here field by field (add-server-form.ts) and again by the server, whose field errors
 * land on the same fields. A server added here is installed at once; its page opens.
 */
export function AddServerDialog() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<Tab>("npm");
  const [form, setForm] = useState<AddServerForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<FormErrors>({});
  const add = useMutation(
    trpc.mcp.addServer.mutationOptions({
      onSuccess: (row) => {
        toast.success(`Added “${row.name}”`);
        setOpen(false);
        void queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
        router.push(`/marketplace/installed/${row.id}`);
      },
    }),
  );
  const serverErrors = fieldErrorsOf(add.error, SERVER_FIELDS);
  const errorOf = (field: string) =>
    errors[field] ?? (serverErrors as Record<string, string | undefined>)[field];
  const set = <K extends keyof AddServerForm>(key: K, value: AddServerForm[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (tab === "import") return;
    const checked = checkAddServerForm({ ...form, kind: tab });
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    add.mutate(checked.input);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) {
          setForm(EMPTY_FORM);
          setErrors({});
          add.reset();
        }
      }}
      trigger={
        <Button>
          <Plus className="size-4" aria-hidden />
          Add server
        </Button>
      }
      size="lg"
      title="Add a server"
      description="Installed for this tenant at once. Values marked secret are encrypted and never shown again."
    >
      <div
        role="tablist"
        aria-label="How to add it"
        className="mb-4 flex gap-1 rounded-lg bg-muted p-1"
      >
        {TABS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={tab === value}
            onClick={() => {
              setTab(value);
              setErrors({});
              add.reset();
            }}
            className={`flex-1 rounded-md px-3 py-1.5 text-sm ${tab === value ? "bg-card font-medium shadow-sm" : "text-muted-foreground"}`}
          >
            {label}
          </button>
        ))}
      </div>
      {tab === "import" ? (
        <ImportConfig onDone={() => setOpen(false)} />
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <Field label="Server name" htmlFor="add-name" error={errorOf("name")}>
            <Input
              id="add-name"
              value={form.name}
              onChange={(e) => set("name", e.target.value)}
              maxLength={60}
              placeholder="e.g. everything"
              autoFocus
            />
            <p className="text-xs text-muted-foreground">Workflows call the server by this name.</p>
          </Field>
          {tab === "npm" ? (
            <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
              <Field label="npm package" htmlFor="add-package" error={errorOf("package")}>
                <Input
                  id="add-package"
                  value={form.package}
                  onChange={(e) => set("package", e.target.value)}
                  placeholder="@modelcontextprotocol/server-everything"
                />
              </Field>
              <Field label="Version (optional)" htmlFor="add-version" error={errorOf("version")}>
                <Input
                  id="add-version"
                  value={form.version}
                  onChange={(e) => set("version", e.target.value)}
                  placeholder="latest"
                />
              </Field>
            </div>
          ) : null}
          {tab === "command" ? (
            <Field label="Command" htmlFor="add-command" error={errorOf("command")}>
              <Input
                id="add-command"
                value={form.command}
                onChange={(e) => set("command", e.target.value)}
                placeholder="npx, uvx or docker"
              />
              <p className="text-xs text-muted-foreground">
                npx, uvx and docker run the package or image they name. Other commands start only
                where the platform admin allowed them.
              </p>
            </Field>
          ) : null}
          {tab === "url" ? (
            <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
              <Field label="URL" htmlFor="add-url" error={errorOf("url")}>
                <Input
                  id="add-url"
                  type="url"
                  value={form.url}
                  onChange={(e) => set("url", e.target.value)}
                  placeholder="https://example.com/mcp"
                />
              </Field>
              <Field label="Transport" htmlFor="add-transport">
                <select
                  id="add-transport"
                  value={form.transport}
                  onChange={(e) => set("transport", e.target.value as AddServerForm["transport"])}
                  className={selectClass}
                >
                  <option value="streamable-http">Streamable HTTP</option>
                  <option value="sse">SSE (older servers)</option>
                </select>
              </Field>
            </div>
          ) : (
            <Field label="Arguments (one per line)" htmlFor="add-args" error={errorOf("args")}>
              <textarea
                id="add-args"
                rows={3}
                value={form.args}
                onChange={(e) => set("args", e.target.value)}
                placeholder={tab === "command" ? "-y\n@scope/server\n/path" : "stdio"}
                className={textareaClass}
              />
            </Field>
          )}
          {tab === "url" ? (
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Authentication</legend>
              <p className="text-xs text-muted-foreground">
                Headers sent with every request, e.g. Authorization: Bearer … (mark it secret).
              </p>
              <NamedRows
                label="Header"
                prefix="headers"
                rows={form.headers}
                onChange={(rows) => set("headers", rows)}
                errorOf={errorOf}
              />
            </fieldset>
          ) : (
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Environment variables</legend>
              <NamedRows
                label="Variable"
                prefix="env"
                rows={form.env}
                onChange={(rows) => set("env", rows)}
                errorOf={errorOf}
              />
            </fieldset>
          )}
          <FormError>{serverErrors.form ?? (add.error ? null : errors.form)}</FormError>
          <DialogActions submitLabel="Add server" isPending={add.isPending} />
        </form>
      )}
    </Dialog>
  );
}

/** Name, value and "secret" rows (environment variables, headers), added and removed one by one. */
function NamedRows({
  label,
  prefix,
  rows,
  onChange,
  errorOf,
}: {
  label: string;
  prefix: "env" | "headers";
  rows: NamedRow[];
  onChange: (rows: NamedRow[]) => void;
  errorOf: (field: string) => string | undefined;
}) {
  const update = (index: number, patch: Partial<NamedRow>) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <div className="space-y-2">
      {rows.map((row, index) => {
        const error = errorOf(`${prefix}.${index}.name`) ?? errorOf(`${prefix}.${index}.value`);
        return (
          <div key={index} className="space-y-1">
            <div className="flex items-center gap-2">
              <Input
                aria-label={`${label} ${index + 1} name`}
                value={row.name}
                onChange={(e) => update(index, { name: e.target.value })}
                placeholder="NAME"
                className="font-mono"
              />
              <Input
                aria-label={`${label} ${index + 1} value`}
                type={row.isSecret ? "password" : "text"}
                autoComplete="off"
                value={row.value}
                onChange={(e) => update(index, { value: e.target.value })}
                placeholder="value"
              />
              <label className="flex items-center gap-1 text-xs">
                <input
                  type="checkbox"
                  checked={row.isSecret}
                  onChange={(e) => update(index, { isSecret: e.target.checked })}
                />
                Secret
              </label>
              <Button
                variant="ghost"
                size="sm"
                aria-label={`Remove ${label.toLowerCase()} ${index + 1}`}
                onClick={() => onChange(rows.filter((_, i) => i !== index))}
              >
                <Trash2 className="size-4" aria-hidden />
              </Button>
            </div>
            <FormError>{error}</FormError>
          </div>
        );
      })}
      <FormError>{errorOf(prefix)}</FormError>
      <Button
        variant="secondary"
        size="sm"
        onClick={() => onChange([...rows, { name: "", value: "", isSecret: false }])}
      >
        <Plus className="size-4" aria-hidden />
        Add {label.toLowerCase()}
      </Button>
    </div>
  );
}

/** The JSON way in: a Claude Desktop, .mcp.json, Cursor or VS Code config, added to the catalog. */
function ImportConfig({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [text, setText] = useState("");
  const importEntries = useMutation(
    trpc.mcp.importEntries.mutationOptions({
      onSuccess: (result) => {
        toast.success(
          `Imported ${result.imported.length} server${result.imported.length === 1 ? "" : "s"}: install ${result.imported.length === 1 ? "it" : "them"} from the catalog`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.mcp.listCatalog.pathKey() });
        if (result.skipped.length === 0) onDone();
      },
    }),
  );
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        importEntries.mutate({ kind: "mcp-servers", text });
      }}
      className="space-y-4"
      noValidate
    >
      <Field
        label="Claude Desktop, .mcp.json, Cursor or VS Code config"
        htmlFor="add-import-text"
        error={importEntries.error ? messageOf(importEntries.error) : undefined}
      >
        <textarea
          id="add-import-text"
          rows={8}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder='{ "mcpServers": { "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"] }, "docs": { "url": "https://…/mcp" } } }'
          className={textareaClass}
        />
        <p className="text-xs text-muted-foreground">
          Commands (npx, uvx, docker), {"{"} &quot;url&quot; {"}"} entries and {"{"}{" "}
          &quot;type&quot;: &quot;http&quot; | &quot;sse&quot; {"}"} entries; VS Code&apos;s
          &quot;servers&quot; too. Values that look secret are not kept: you give them on install.
        </p>
      </Field>
      {importEntries.data?.skipped.length ? (
        <div role="status" className="rounded-md border p-3 text-sm">
          <p className="font-medium">Imported {importEntries.data.imported.length}; skipped:</p>
          <ul className="mt-1 list-disc pl-5 text-muted-foreground">
            {importEntries.data.skipped.map((s) => (
              <li key={s.name}>
                {s.name}: {s.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <DialogActions submitLabel="Import" isPending={importEntries.isPending} />
    </form>
  );
}
