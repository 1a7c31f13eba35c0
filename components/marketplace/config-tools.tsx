"use client";

import { downloadText } from "@/components/shared/download";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, Upload } from "lucide-react";
import { useState, type ChangeEvent, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, Spinner } from "@/components/ui/states";
import { messageOf } from "./types";

type Kind = "server-json" | "mcp-servers" | "registry";
const KINDS: [Kind, string][] = [
  ["server-json", "server.json"],
  ["mcp-servers", "mcpServers config"],
  ["registry", "Registry"],
];

/** Import catalog entries (admins) and export this tenant's installed servers as an mcpServers config. */
export function ConfigTools({ canImport }: { canImport: boolean }) {
  return (
    <>
      {canImport ? <ImportDialog /> : null}
      <ExportDialog />
    </>
  );
}

function ImportDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<Kind>("server-json");
  const [text, setText] = useState("");
  const importEntries = useMutation(
    trpc.mcp.importEntries.mutationOptions({
      onSuccess: (result) => {
        toast.success(
          `Imported ${result.imported.length} server${result.imported.length === 1 ? "" : "s"}${result.skipped.length ? `, skipped ${result.skipped.length}` : ""}`,
        );
        void queryClient.invalidateQueries({ queryKey: trpc.mcp.listCatalog.pathKey() });
        if (result.skipped.length === 0) setOpen(false);
      },
    }),
  );

  async function readFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (file) setText(await file.text());
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (kind === "registry") {
      const since = String(form.get("since") ?? "");
      importEntries.mutate({
        kind,
        url: String(form.get("url") ?? "").trim(),
        ...(since ? { updatedSince: new Date(since) } : {}),
      });
    } else {
      importEntries.mutate({ kind, text });
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        importEntries.reset();
      }}
      trigger={
        <Button variant="secondary">
          <Upload className="size-4" aria-hidden />
          Import
        </Button>
      }
      size="lg"
      title="Import servers"
      description="Imported servers are added for this tenant only. Values that look secret are not kept; they become inputs of the install form."
    >
      <div role="tablist" className="mb-4 flex gap-1 rounded-lg bg-muted p-1">
        {KINDS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={kind === value}
            onClick={() => setKind(value)}
            className={`flex-1 rounded-md px-3 py-1.5 text-sm ${kind === value ? "bg-card font-medium shadow-sm" : "text-muted-foreground"}`}
          >
            {label}
          </button>
        ))}
      </div>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {kind === "registry" ? (
          <>
            <Field label="Registry URL" htmlFor="registry-url">
              <Input
                id="registry-url"
                name="url"
                placeholder="https://registry.modelcontextprotocol.io"
              />
            </Field>
            <Field label="Only servers updated since (optional)" htmlFor="registry-since">
              <Input id="registry-since" name="since" type="date" />
            </Field>
          </>
        ) : (
          <Field
            label={
              kind === "server-json"
                ? "server.json (one entry, a list, or a registry answer)"
                : "Claude Desktop, .mcp.json, Cursor or VS Code config (commands or URLs)"
            }
            htmlFor="import-text"
          >
            <input
              type="file"
              accept=".json,application/json"
              onChange={(e) => void readFile(e)}
              className="text-sm"
              aria-label="Choose a file"
            />
            <textarea
              id="import-text"
              rows={8}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={
                kind === "mcp-servers"
                  ? '{ "mcpServers": { "name": { "command": "npx", "args": ["-y", "package"] }, "remote": { "url": "https://…/mcp" } } }'
                  : '{ "name": "io.github.owner/server", ... }'
              }
              className="w-full rounded-md border bg-card px-3 py-2 font-mono text-xs"
            />
          </Field>
        )}
        {importEntries.error ? <FormError>{messageOf(importEntries.error)}</FormError> : null}
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
        <DialogActions
          submitLabel={"Import"}
          isPending={importEntries.isPending}
          closeLabel="Close"
        />
      </form>
    </Dialog>
  );
}

function ExportDialog() {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const exported = useQuery({ ...trpc.mcp.exportConfig.queryOptions(), enabled: open });
  const text = exported.data ? JSON.stringify(exported.data.config, null, 2) : "";

  const download = () => downloadText(".mcp.json", text, "application/json");

  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="secondary">
          <Download className="size-4" aria-hidden />
          Export
        </Button>
      }
      size="lg"
      title="Installed servers as an mcpServers config"
      description={
        <>For Claude Desktop or a .mcp.json file. Secrets appear as ${"{NAME}"} placeholders.</>
      }
    >
      {exported.isPending ? (
        <Spinner />
      ) : exported.isError ? (
        <ErrorState message={exported.error.message} onRetry={() => void exported.refetch()} />
      ) : (
        <>
          <pre className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs">{text}</pre>
          {exported.data.skipped.length ? (
            <p className="mt-2 text-sm text-muted-foreground">
              Left out: {exported.data.skipped.map((s) => `${s.name} (${s.reason})`).join("; ")}
            </p>
          ) : null}
        </>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <Button
          variant="secondary"
          disabled={!text}
          onClick={() =>
            void navigator.clipboard.writeText(text).then(() => toast.success("Copied"))
          }
        >
          Copy
        </Button>
        <Button disabled={!text} onClick={download}>
          Download
        </Button>
      </div>
    </Dialog>
  );
}
