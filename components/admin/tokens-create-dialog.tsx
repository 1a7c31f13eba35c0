"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { KeyRound } from "lucide-react";
import { useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input, Label } from "@/components/ui/input";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Dialog } from "@/components/ui/dialog";
import { SecretShownOnce } from "@/components/ui/secret-shown-once";
import { ErrorState, SkeletonRows } from "@/components/ui/states";
import type { inferRouterInputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type TokenCreateInput = inferRouterInputs<AppRouter>["token"]["create"];

type FieldErrors = Partial<Record<"name" | "scopes" | "expiry" | "form", string>>;

type ExpiryChoice = "never" | "7" | "30" | "90" | "date";
const EXPIRY_CHOICES: { value: ExpiryChoice; label: string }[] = [
  { value: "30", label: "In 30 days" },
  { value: "7", label: "In 7 days" },
  { value: "90", label: "In 90 days" },
  { value: "date", label: "On a date…" },
  { value: "never", label: "Never" },
];
const DEFAULT_SCOPES = ["runs:read", "runs:write"];

function toExpiry(choice: ExpiryChoice, date: string): TokenCreateInput["expiry"] | string {
  if (choice === "never") return { in: "never" };
  if (choice !== "date") return { in: "days", days: Number(choice) as 7 | 30 | 90 };
  if (!date) return "Pick a date";
  return { in: "date", date: new Date(`${date}T23:59:59`) }; // the end of that day, where the user is
}

/** "Create token": a form, then the new token, shown this one time with a copy button. */
export function CreateTokenDialog({ onCreated }: { onCreated: () => void }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const create = useMutation(
    trpc.token.create.mutationOptions({
      onSuccess: ({ token, secret: value }) => {
        setSecret({ name: token.name, value });
        onCreated();
      },
    }),
  );

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) {
      setSecret(null); // never kept around once the dialog closes
      create.reset();
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <Button>
          <KeyRound className="size-4" aria-hidden />
          Create token
        </Button>
      }
      size="lg"
      title={secret ? "Copy your new token" : "Create an API token"}
      description={
        secret ? (
          <>
            “{secret.name}” is ready. Send it in the header{" "}
            <code>Authorization: Bearer &lt;token&gt;</code>
          </>
        ) : (
          "The token acts as you in this tenant, limited to the scopes you pick and to what your role allows."
        )
      }
    >
      {secret ? (
        <NewTokenSecret value={secret.value} />
      ) : (
        <CreateTokenForm
          onSubmit={(input) => create.mutate(input)}
          isPending={create.isPending}
          error={create.error}
        />
      )}
    </Dialog>
  );
}

function CreateTokenForm({
  onSubmit,
  isPending,
  error,
}: {
  onSubmit: (input: TokenCreateInput) => void;
  isPending: boolean;
  error: unknown;
}) {
  const trpc = useTRPC();
  const scopes = useQuery(trpc.token.scopes.queryOptions());
  const [choice, setChoice] = useState<ExpiryChoice>("30");
  const [tomorrow] = useState(() => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const errors = {
    ...fieldErrorsOf(error, ["name", "scopes", "expiry"] as const),
    ...clientErrors,
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const picked = form.getAll("scopes").map(String) as TokenCreateInput["scopes"];
    const expiry = toExpiry(choice, String(form.get("expiryDate") ?? ""));
    const found: FieldErrors = {
      name: name ? undefined : "Give the token a name",
      scopes: picked.length ? undefined : "Pick at least one scope",
      expiry: typeof expiry === "string" ? expiry : undefined,
    };
    setClientErrors(found);
    if (found.name || found.scopes || typeof expiry === "string") return;
    onSubmit({ name, scopes: picked, expiry });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      <Field label="Name" htmlFor="token-name" error={errors.name}>
        <Input
          id="token-name"
          name="name"
          maxLength={80}
          placeholder="e.g. CI pipeline"
          aria-invalid={Boolean(errors.name)}
          autoFocus
        />
      </Field>
      <fieldset
        className="space-y-2"
        aria-describedby={errors.scopes ? "token-scopes-error" : undefined}
      >
        <legend className="text-sm font-medium">Scopes</legend>
        {scopes.isPending ? (
          <SkeletonRows rows={2} />
        ) : scopes.isError ? (
          <ErrorState message={scopes.error.message} onRetry={() => void scopes.refetch()} />
        ) : (
          <div className="grid gap-2 sm:grid-cols-2">
            {scopes.data.map((scope) => (
              <label
                key={scope.name}
                className="flex items-start gap-2 rounded-md border p-2 text-sm hover:bg-muted"
              >
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope.name}
                  defaultChecked={DEFAULT_SCOPES.includes(scope.name)}
                  className="mt-0.5"
                />
                <span>
                  <span className="font-mono text-xs font-medium">{scope.name}</span>
                  <span className="block text-xs text-muted-foreground">{scope.label}</span>
                </span>
              </label>
            ))}
          </div>
        )}
        <FormError id="token-scopes-error">{errors.scopes}</FormError>
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="space-y-1.5">
          <Label htmlFor="token-expiry">Expires</Label>
          <select
            id="token-expiry"
            value={choice}
            onChange={(e) => setChoice(e.target.value as ExpiryChoice)}
            className="h-10 w-full rounded-md border bg-card px-3 text-sm"
          >
            {EXPIRY_CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        {choice === "date" ? (
          <Field label="Expiry date" htmlFor="token-expiry-date">
            <Input
              id="token-expiry-date"
              name="expiryDate"
              type="date"
              min={tomorrow}
              aria-invalid={Boolean(errors.expiry)}
            />
          </Field>
        ) : null}
      </div>
      <FormError>{errors.expiry}</FormError>
      <FormError>{errors.form}</FormError>
      <DialogActions submitLabel="Create token" isPending={isPending} />
    </form>
  );
}

function NewTokenSecret({ value }: { value: string }) {
  return (
    <SecretShownOnce
      warning="You will not see it again: only a hash is stored. Keep it somewhere safe, such as your CI's secret store."
      label="token"
      fieldLabel="New API token"
      value={value}
    />
  );
}
