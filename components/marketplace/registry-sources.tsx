"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Library, RefreshCw } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/form-error";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, Spinner } from "@/components/ui/states";
import { dateFormat, messageOf, type RegistrySource } from "./types";

/**
 * The tenant's registry sources: add a registry URL (an MCP Registry API), sync it now, see how
 * the last sync went. Sources also sync by themselves every 6 hours.
 */
export function RegistrySources() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const sources = useQuery({ ...trpc.mcp.listRegistrySources.queryOptions(), enabled: open });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.mcp.listRegistrySources.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.mcp.listCatalog.pathKey() });
  };
  const sync = useMutation(
    trpc.mcp.syncRegistrySource.mutationOptions({
      onSuccess: (result) => {
        toast.success(
          `Synced: ${result.added} added, ${result.updated} updated, ${result.removed} removed`,
        );
        refresh();
      },
      onError: (error) => {
        toast.error(messageOf(error));
        refresh();
      },
    }),
  );
  const add = useMutation(
    trpc.mcp.addRegistrySource.mutationOptions({
      onSuccess: (source) => {
        refresh();
        sync.mutate({ id: source.id });
      },
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const url = String(new FormData(event.currentTarget).get("url") ?? "").trim();
    add.mutate({ url });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        add.reset();
      }}
      trigger={
        <Button variant="secondary">
          <Library className="size-4" aria-hidden />
          Registries
        </Button>
      }
      size="xl"
      title="Registry sources"
      description="Servers from an MCP Registry (the official API, /v0.1/servers) are synced into this tenant's catalog: every page, updates, and deprecated or removed servers. Sources sync by themselves every 6 hours."
    >
      <form onSubmit={submit} className="mb-4 flex items-end gap-2" noValidate>
        <div className="flex-1">
          <Field label="Registry URL" htmlFor="registry-source-url">
            <Input
              id="registry-source-url"
              name="url"
              placeholder="https://registry.modelcontextprotocol.io"
            />
          </Field>
        </div>
        <Button type="submit" disabled={add.isPending}>
          Add and sync
        </Button>
      </form>
      <FormError className="mb-4">{add.error ? messageOf(add.error) : null}</FormError>
      {sources.isPending ? (
        <Spinner />
      ) : sources.isError ? (
        <ErrorState message={sources.error.message} onRetry={() => void sources.refetch()} />
      ) : sources.data.length === 0 ? (
        <p className="text-sm text-muted-foreground">No registry added yet.</p>
      ) : (
        <ul className="divide-y rounded-lg border" aria-label="Registry sources">
          {sources.data.map((source) => (
            <SourceRow
              key={source.id}
              source={source}
              isSyncing={source.isSyncing || (sync.isPending && sync.variables?.id === source.id)}
              onSync={() => sync.mutate({ id: source.id })}
            />
          ))}
        </ul>
      )}
    </Dialog>
  );
}

function SourceRow({
  source,
  isSyncing,
  onSync,
}: {
  source: RegistrySource;
  isSyncing: boolean;
  onSync: () => void;
}) {
  const result = source.lastResult;
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 p-3 text-sm">
      <div className="min-w-0 flex-1 space-y-1">
        <p className="truncate font-medium">{source.url}</p>
        <p className="text-xs text-muted-foreground">
          {source.entryCount} servers
          {source.lastSyncAt ? ` · last sync ${dateFormat.format(source.lastSyncAt)}` : ""}
          {result && source.lastStatus === "ok"
            ? ` (${result.mode}: ${result.added} added, ${result.updated} updated, ${result.removed} removed, ${result.pages} pages)`
            : ""}
        </p>
        {source.lastStatus === "error" && source.lastError ? (
          <FormError className="text-xs">Last sync failed: {source.lastError}</FormError>
        ) : null}
      </div>
      <Button
        variant="secondary"
        size="sm"
        disabled={isSyncing}
        onClick={onSync}
        aria-label={`Sync ${source.url}`}
      >
        <RefreshCw className={`size-4 ${isSyncing ? "animate-spin" : ""}`} aria-hidden />
        {isSyncing ? "Syncing…" : "Sync now"}
      </Button>
    </li>
  );
}
