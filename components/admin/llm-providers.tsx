"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { CheckCircle2, KeyRound, PlugZap, XCircle } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { dateTimeFormat } from "@/components/shared/run-format";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import { AdminSection } from "./admin-page";
import { ModelPrices } from "./llm-prices";

type Provider = inferRouterOutputs<AppRouter>["llm"]["list"][number];
type TestResult = inferRouterOutputs<AppRouter>["llm"]["test"];

const HELP: Record<Provider["provider"], { model: string; url?: string; keyRequired: boolean }> = {
  openai: {
    model: "gpt-4o-mini",
    url: "Optional: a proxy that speaks the OpenAI API",
    keyRequired: true,
  },
  anthropic: { model: "claude-haiku-4-5", keyRequired: true },
  "openai-compatible": {
    model: "llama3.1",
    url: "Required: Ollama, vLLM or LM Studio, e.g. http://localhost:11434/v1",
    keyRequired: false,
  },
};

/** Admin → LLM providers: the tenant's own keys (write-only), URLs and default models, with a live test. */
export function LlmProvidersPage() {
  return (
    <AdminSection
      permission="secret.manage"
      title="LLM providers"
      description="This tenant's runs use these before the platform's. Keys are encrypted when saved and never shown again."
    >
      <ProviderList />
    </AdminSection>
  );
}

function ProviderList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.llm.list.queryOptions());
  if (list.isPending) return <SkeletonRows rows={3} />;
  if (list.isError)
    return <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />;
  return (
    <div className="space-y-4">
      {list.data.map((provider) => (
        // A saved change remounts the card: its inputs start again from what is stored.
        <ProviderCard
          key={`${provider.provider}-${provider.updatedAt?.getTime() ?? "none"}`}
          provider={provider}
        />
      ))}
      <p className="text-xs text-muted-foreground">
        Workflows name models as <code>openai/…</code>, <code>anthropic/…</code> or{" "}
        <code>local/…</code> (OpenAI-compatible). A step without a model uses the default model of
        the first provider here that has one.
      </p>
    </div>
  );
}

function ProviderCard({ provider }: { provider: Provider }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isReplacingKey, setReplacingKey] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [lastTest, setLastTest] = useState<TestResult | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const help = HELP[provider.provider];
  const id = (field: string) => `llm-${provider.provider}-${field}`;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.llm.list.queryKey() });

  const save = useMutation(
    trpc.llm.save.mutationOptions({
      onSuccess: () => {
        toast.success(`Saved ${provider.label}`);
        setReplacingKey(false);
        setErrors({});
        setLastTest(null);
        refresh();
      },
      onError: (error) => {
        const fields = (
          error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined
        )?.zodError?.fieldErrors;
        const field = fields
          ? Object.keys(fields)[0]
          : /base URL/i.test(error.message)
            ? "baseUrl"
            : /API key/i.test(error.message)
              ? "apiKey"
              : "form";
        setErrors({ [field ?? "form"]: fields?.[field ?? ""]?.[0] ?? error.message });
      },
    }),
  );
  const removeKey = useMutation(
    trpc.llm.removeKey.mutationOptions({
      onSuccess: () => {
        toast.success(`Removed the ${provider.label} key`);
        refresh();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const test = useMutation(
    trpc.llm.test.mutationOptions({
      onSuccess: (result) => {
        setLastTest(result);
        if (result.ok) toast.success(`${provider.label} answered in ${result.latencyMs} ms`);
        else toast.error(`${provider.label}: ${result.message}`);
      },
      onError: (error) => toast.error(error.message),
    }),
  );

  const showsKeyInput = !provider.hasKey || isReplacingKey;
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "").trim();
    const apiKey = showsKeyInput ? text("apiKey") : "";
    if (help.keyRequired && !provider.hasKey && !apiKey)
      return setErrors({ apiKey: `${provider.label} needs an API key` });
    if (provider.provider === "openai-compatible" && !text("baseUrl"))
      return setErrors({ baseUrl: "Enter the server's base URL" });
    save.mutate({
      provider: provider.provider,
      ...(apiKey ? { apiKey } : {}),
      baseUrl: help.url ? text("baseUrl") || null : null,
      defaultModel: text("defaultModel") || null,
    });
  }

  return (
    <section aria-labelledby={id("heading")} className="rounded-xl border bg-card p-5">
      <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
        <h3 id={id("heading")} className="text-base font-semibold">
          {provider.label}
        </h3>
        <span className="text-xs text-muted-foreground">
          {provider.isConfigured
            ? `Set up${provider.updatedAt ? `, changed ${dateTimeFormat.format(provider.updatedAt)}` : ""}${provider.updatedByName ? ` by ${provider.updatedByName}` : ""}`
            : "Not set up: runs use the platform's provider, if any"}
        </span>
      </div>
      <form onSubmit={submit} className="grid gap-4 md:grid-cols-2" noValidate>
        <div className="md:col-span-2">
          {showsKeyInput ? (
            <Field
              label={help.keyRequired ? "API key" : "API key (optional)"}
              htmlFor={id("apiKey")}
              error={errors.apiKey}
            >
              <div className="flex gap-2">
                <Input
                  id={id("apiKey")}
                  name="apiKey"
                  type="password"
                  autoComplete="off"
                  aria-invalid={errors.apiKey ? true : undefined}
                  placeholder={provider.hasKey ? "The new key" : undefined}
                />
                {isReplacingKey ? (
                  <Button variant="ghost" onClick={() => setReplacingKey(false)}>
                    Keep the current key
                  </Button>
                ) : null}
              </div>
            </Field>
          ) : (
            <div className="space-y-1.5">
              <p className="text-sm font-medium">API key</p>
              <div className="flex flex-wrap items-center gap-2">
                <p
                  className="flex items-center gap-1.5 text-sm"
                  data-testid={`${provider.provider}-key-status`}
                >
                  <KeyRound className="size-4 text-muted-foreground" aria-hidden />
                  Set, ends with …{provider.keyHint}
                </p>
                <Button size="sm" variant="secondary" onClick={() => setReplacingKey(true)}>
                  Replace key
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  disabled={removeKey.isPending}
                  onClick={() => removeKey.mutate({ provider: provider.provider })}
                >
                  Remove key
                </Button>
              </div>
            </div>
          )}
        </div>
        {help.url ? (
          <Field label="Base URL" htmlFor={id("baseUrl")} error={errors.baseUrl}>
            <Input
              id={id("baseUrl")}
              name="baseUrl"
              type="url"
              defaultValue={provider.baseUrl ?? ""}
              placeholder="http://localhost:11434/v1"
              aria-invalid={errors.baseUrl ? true : undefined}
            />
            <p className="text-xs text-muted-foreground">{help.url}</p>
          </Field>
        ) : null}
        <Field label="Default model" htmlFor={id("defaultModel")} error={errors.defaultModel}>
          <Input
            id={id("defaultModel")}
            name="defaultModel"
            defaultValue={provider.defaultModel ?? ""}
            placeholder={help.model}
            aria-invalid={errors.defaultModel ? true : undefined}
          />
          <p className="text-xs text-muted-foreground">
            Workflows call it{" "}
            <code>
              {provider.modelPrefix}/{provider.defaultModel ?? help.model}
            </code>
            .
          </p>
        </Field>
        <FormError className="md:col-span-2">{errors.form}</FormError>
        <div className="flex flex-wrap items-center gap-2 md:col-span-2">
          <Button type="submit" disabled={save.isPending}>
            {save.isPending ? <Spinner /> : null}
            Save
          </Button>
          {provider.isConfigured ? (
            <>
              <Button
                variant="secondary"
                disabled={test.isPending}
                onClick={() => test.mutate({ provider: provider.provider })}
              >
                {test.isPending ? (
                  <Spinner label="Testing" />
                ) : (
                  <PlugZap className="size-4" aria-hidden />
                )}
                {test.isPending ? "Testing…" : "Test"}
              </Button>
              <Button
                variant="ghost"
                className="text-danger"
                onClick={() => setConfirmRemove(true)}
              >
                Remove provider
              </Button>
            </>
          ) : null}
        </div>
        {lastTest ? <TestOutcome result={lastTest} /> : null}
      </form>
      {provider.isConfigured ? (
        <ModelPrices
          provider={provider.provider}
          label={provider.label}
          modelPrefix={provider.modelPrefix}
          prices={provider.prices}
        />
      ) : null}
      <RemoveProviderDialog
        provider={provider}
        open={confirmRemove}
        onOpenChange={setConfirmRemove}
        onRemoved={refresh}
      />
    </section>
  );
}

function TestOutcome({ result }: { result: TestResult }) {
  return (
    <p role="status" className="flex items-start gap-2 text-sm md:col-span-2">
      {result.ok ? (
        <>
          <CheckCircle2 className="mt-0.5 size-4 shrink-0 text-emerald-600" aria-hidden />
          <span>
            Test passed: {result.modelId} answered in {result.latencyMs} ms
            {result.reply ? ` (“${result.reply}”)` : ""}.
          </span>
        </>
      ) : (
        <>
          <XCircle className="mt-0.5 size-4 shrink-0 text-danger" aria-hidden />
          <span>
            Test failed ({result.code}): {result.message}
          </span>
        </>
      )}
    </p>
  );
}

function RemoveProviderDialog({
  provider,
  open,
  onOpenChange,
  onRemoved,
}: {
  provider: Provider;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRemoved: () => void;
}) {
  const trpc = useTRPC();
  const remove = useMutation(
    trpc.llm.remove.mutationOptions({
      onSuccess: () => {
        toast.success(`Removed ${provider.label}`);
        onOpenChange(false);
        onRemoved();
      },
    }),
  );
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        remove.reset();
      }}
      size="sm"
      title={<>Remove {provider.label}?</>}
      description={
        <>
          Its key, URL and default model are deleted. This tenant&apos;s runs then use the
          platform&apos;s {provider.label} provider, if there is one.
        </>
      }
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate({ provider: provider.provider });
        }}
        className="space-y-4"
      >
        <FormError>{remove.error?.message}</FormError>
        <DialogActions submitLabel="Remove" isPending={remove.isPending} />
      </form>
    </Dialog>
  );
}
