"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import type { InstallInput } from "@/engine/schema/catalog";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import { messageOf } from "./types";

const defaultName = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "server";

/** An installation being edited: its values (secrets only as "set"), never the secrets themselves. */
export type ExistingInstallation = {
  id: string;
  name: string;
  config: Record<string, string | string[]>;
  secretKeys: string[];
};

/**
 * The install form, generated from the entry's inputs (arguments, environment variables, headers).
 * Secret inputs are password fields; when editing, an empty secret keeps the stored value, which
 * the browser never receives.
 */
export function InstallDialog({
  catalogEntryId,
  title,
  inputs,
  open,
  onOpenChange,
  onInstalled,
  existing,
}: {
  catalogEntryId: string;
  title: string;
  inputs: InstallInput[];
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onInstalled?: (id: string) => void;
  existing?: ExistingInstallation;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [clientError, setClientError] = useState<string | null>(null);
  const done = (installation: { id: string; name: string }, verb: string) => {
    toast.success(`${verb} “${installation.name}”`);
    onOpenChange(false);
    void queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
    onInstalled?.(installation.id);
  };
  const install = useMutation(
    trpc.mcp.install.mutationOptions({ onSuccess: (row) => done(row, "Installed") }),
  );
  const update = useMutation(
    trpc.mcp.updateInstallation.mutationOptions({ onSuccess: (row) => done(row, "Saved") }),
  );
  const mutation = existing ? update : install;
  const serverError = mutation.error ? messageOf(mutation.error) : null;
  // Which field the server's message is about: an input it names, the server name, or the form.
  const target = serverError
    ? (inputs.find((i) => serverError.includes(i.label))?.key ??
      (/server named|^name:/i.test(serverError) ? "name" : "form"))
    : null;
  const fieldOf = (key: string) => (target === key ? (serverError ?? undefined) : undefined);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    if (!name) return setClientError("Give the server a name");
    const values: Record<string, string | string[]> = {};
    for (const input of inputs) {
      const raw = String(form.get(input.key) ?? "");
      values[input.key] = input.isRepeated
        ? raw
            .split("\n")
            .map((v) => v.trim())
            .filter(Boolean)
        : raw.trim();
    }
    setClientError(null);
    if (existing) update.mutate({ id: existing.id, name, values });
    else install.mutate({ catalogEntryId, name, values });
  }
  const initialOf = (input: InstallInput) => {
    const value = existing?.config[input.key] ?? input.default;
    return Array.isArray(value) ? value.join("\n") : value;
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        mutation.reset();
      }}
      size="md"
      title={<>{existing ? `Edit ${existing.name}` : `Install ${title}`}</>}
      description={
        <>
          Secret values are encrypted when saved and never shown again
          {existing ? "; leave a secret empty to keep it" : ""}.
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Server name" htmlFor="install-name" error={clientError ?? fieldOf("name")}>
          <Input
            id="install-name"
            name="name"
            defaultValue={existing?.name ?? defaultName(title)}
            maxLength={60}
            autoFocus
          />
          <p className="text-xs text-muted-foreground">Workflows call the server by this name.</p>
        </Field>
        {inputs.map((input) => (
          <Field
            key={input.key}
            label={`${input.label}${input.isRequired ? " *" : ""}`}
            htmlFor={`input-${input.key}`}
            error={fieldOf(input.key)}
          >
            {input.choices ? (
              <select
                id={`input-${input.key}`}
                name={input.key}
                defaultValue={initialOf(input) ?? ""}
                className="h-10 w-full rounded-md border bg-card px-3 text-sm"
              >
                <option value="">—</option>
                {input.choices.map((choice) => (
                  <option key={choice}>{choice}</option>
                ))}
              </select>
            ) : input.isRepeated ? (
              <textarea
                id={`input-${input.key}`}
                name={input.key}
                rows={2}
                defaultValue={initialOf(input)}
                placeholder="One value per line"
                className="w-full rounded-md border bg-card px-3 py-2 text-sm"
              />
            ) : (
              <Input
                id={`input-${input.key}`}
                name={input.key}
                type={input.isSecret ? "password" : "text"}
                autoComplete="off"
                defaultValue={input.isSecret ? undefined : initialOf(input)}
                placeholder={
                  input.isSecret && existing?.secretKeys.includes(input.key)
                    ? "Set; leave empty to keep"
                    : undefined
                }
              />
            )}
            <p className="text-xs text-muted-foreground">
              {input.kind === "env"
                ? "Environment variable"
                : input.kind === "header"
                  ? "HTTP header"
                  : "Argument"}
              {input.isSecret ? " · secret" : ""}
              {input.description ? ` · ${input.description}` : ""}
            </p>
          </Field>
        ))}
        {target === "form" ? <FormError>{serverError}</FormError> : null}
        <DialogActions submitLabel={existing ? "Save" : "Install"} isPending={mutation.isPending} />
      </form>
    </Dialog>
  );
}
