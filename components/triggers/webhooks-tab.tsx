"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Copy, Ear, KeyRound, Pencil, Plus, Trash2, Webhook } from "lucide-react";
import { useEffect, useState, useSyncExternalStore } from "react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { SecretShownOnce } from "@/components/ui/secret-shown-once";
import { EmptyState, ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import { curlExample } from "./webhook-examples";
import { WebhookForm, type WebhookFormValues, type WebhookItem } from "./webhook-form";

const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "medium",
});
const isListening = (hook: WebhookItem, now = Date.now()) =>
  hook.listenUntil !== null && hook.listenUntil.getTime() > now;

const noSubscription = () => () => undefined;
/** The page's origin (the server render has none; the dialog only opens in the browser). */
function useOrigin(): string {
  return useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [isCopied, setCopied] = useState(false);
  function copy() {
    navigator.clipboard.writeText(text).then(
      () => {
        setCopied(true);
        toast.success(`${label} copied`);
      },
      () => toast.error("Could not copy: select the text and copy it by hand."),
    );
  }
  return (
    <Button size="sm" variant="ghost" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
      {isCopied ? (
        <Check className="size-4" aria-hidden />
      ) : (
        <Copy className="size-4" aria-hidden />
      )}
    </Button>
  );
}

/**
 * The "Webhooks" tab of a workflow's triggers: each hook's URL (copy), settings, enable/disable,
 * rotate secret, delete, "Listen for a test request" (polls while listening and shows the last
 * request), and a curl example. A secret is shown once, when made or rotated.
 */
export function WebhooksTab({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const canEdit = can("trigger.manage");
  const list = useQuery(
    trpc.webhook.list.queryOptions(
      { workflowId },
      // While a hook listens, look for the request it keeps every two seconds. Only editors see
      // webhooks at all: a webhook without a secret is run by whoever holds its URL.
      {
        enabled: canEdit,
        refetchInterval: (query) => (query.state.data?.some((h) => isListening(h)) ? 2000 : false),
      },
    ),
  );
  const [editing, setEditing] = useState<WebhookItem | "new" | null>(null);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const refresh = () =>
    void queryClient.invalidateQueries({ queryKey: trpc.webhook.list.queryKey({ workflowId }) });
  const onSaved = ({ hook, secret: value }: { hook: WebhookItem; secret: string | null }) => {
    setEditing(null);
    refresh();
    if (value) setSecret({ name: hook.name || "the webhook", value });
    else toast.success("Webhook saved");
  };
  const create = useMutation(trpc.webhook.create.mutationOptions({ onSuccess: onSaved }));
  const update = useMutation(trpc.webhook.update.mutationOptions({ onSuccess: onSaved }));
  const save = (values: WebhookFormValues) =>
    editing === "new"
      ? create.mutate({ workflowId, ...values })
      : editing
        ? update.mutate({ id: editing.id, ...values })
        : undefined;

  if (!canEdit) {
    return (
      <EmptyState icon={Webhook} title="Webhooks are for editors">
        <p className="max-w-sm text-sm text-muted-foreground">
          A webhook&apos;s URL starts runs, so only members who may manage triggers see and change
          them.
        </p>
      </EmptyState>
    );
  }
  if (list.isPending) return <SkeletonRows rows={2} />;
  if (list.isError)
    return (
      <ErrorState
        title="Could not load the webhooks"
        message={list.error.message}
        onRetry={() => void list.refetch()}
      />
    );
  const hooks = list.data;
  const form = editing ? (
    <WebhookForm
      key={editing === "new" ? "new" : editing.id}
      hook={editing === "new" ? null : editing}
      onSubmit={save}
      onCancel={() => {
        setEditing(null);
        create.reset();
        update.reset();
      }}
      isPending={create.isPending || update.isPending}
      error={editing === "new" ? create.error : update.error}
    />
  ) : null;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-muted-foreground">
          An HTTP request to a webhook&apos;s URL starts a run; the run acts as the member who made
          the webhook.
        </p>
        {canEdit && editing === null ? (
          <Button size="sm" onClick={() => setEditing("new")}>
            <Plus className="size-4" aria-hidden /> Add webhook
          </Button>
        ) : null}
      </div>
      {editing === "new" ? form : null}
      {hooks.length === 0 && editing === null ? (
        <EmptyState icon={Webhook} title="No webhooks yet">
          <p className="max-w-sm text-sm text-muted-foreground">
            Add one to start this workflow from GitHub, a form or any service that sends webhooks.
          </p>
        </EmptyState>
      ) : null}
      <ul className="space-y-3">
        {hooks.map((hook) =>
          editing !== "new" && editing?.id === hook.id ? (
            <li key={hook.id}>{form}</li>
          ) : (
            <HookCard
              key={hook.id}
              hook={hook}
              canEdit={canEdit}
              onEdit={() => setEditing(hook)}
              onChanged={refresh}
              onSecret={setSecret}
            />
          ),
        )}
      </ul>
      <Dialog
        open={secret !== null}
        onOpenChange={(open) => (open ? undefined : setSecret(null))}
        size="lg"
        title="Copy the webhook's secret"
        description={
          secret
            ? `The secret of ${secret.name}: the sender signs each body with it (HMAC-SHA256) or sends it in the secret header.`
            : undefined
        }
      >
        {secret ? (
          <SecretShownOnce
            warning="You will not see it again: it is stored encrypted and never shown twice. Rotate it to get a new one."
            label="secret"
            fieldLabel="Webhook secret"
            value={secret.value}
          />
        ) : null}
      </Dialog>
    </div>
  );
}

function HookCard({
  hook,
  canEdit,
  onEdit,
  onChanged,
  onSecret,
}: {
  hook: WebhookItem;
  canEdit: boolean;
  onEdit: () => void;
  onChanged: () => void;
  onSecret: (secret: { name: string; value: string }) => void;
}) {
  const trpc = useTRPC();
  const origin = useOrigin();
  const url = `${origin}${hook.path}`;
  const onError = (error: { message: string }) => toast.error(error.message);
  const setEnabled = useMutation(
    trpc.webhook.setEnabled.mutationOptions({ onSuccess: onChanged, onError }),
  );
  const listen = useMutation(
    trpc.webhook.listen.mutationOptions({ onSuccess: onChanged, onError }),
  );
  const rotate = useMutation(
    trpc.webhook.rotateSecret.mutationOptions({
      onSuccess: ({ secret }) => {
        onChanged();
        onSecret({ name: hook.name || "the webhook", value: secret });
      },
      onError,
    }),
  );
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const remove = useMutation(
    trpc.webhook.delete.mutationOptions({
      onSuccess: () => {
        toast.success("Webhook deleted");
        onChanged();
      },
      onError,
    }),
  );
  const { config } = hook;
  const listening = isListening(hook);
  // Render again when the listening time runs out (the polled data stays the same then).
  const [, rerender] = useState(0);
  useEffect(() => {
    const left = (hook.listenUntil?.getTime() ?? 0) - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => rerender((n) => n + 1), left + 100);
    return () => clearTimeout(timer);
  }, [hook.listenUntil]);
  const summary = [
    config.auth === "hmac-sha256"
      ? `signed (${config.authHeader})`
      : config.auth === "header"
        ? `secret in ${config.authHeader}`
        : "no secret",
    config.version === "latest" ? "runs the latest published version" : "runs the draft",
    config.response === "async"
      ? "answers 202 at once"
      : config.response === "wait"
        ? `answers with the output (≤ ${config.timeoutSeconds} s)`
        : `streams events (≤ ${config.timeoutSeconds} s)`,
    Object.keys(config.mapping).length
      ? `${Object.keys(config.mapping).length} mapped field(s)`
      : "the body is the input",
  ];

  return (
    <li
      className={cn("space-y-3 rounded-lg border p-4", !hook.isEnabled && "opacity-70")}
      aria-label={`Webhook ${hook.name || hook.publicId}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="rounded border bg-muted px-1.5 py-0.5 font-mono text-xs">
          {config.method}
        </span>
        <span className="font-medium">{hook.name || "Webhook"}</span>
        <span
          className={cn(
            "rounded-full border px-2 py-0.5 text-xs",
            hook.isEnabled
              ? "border-emerald-600/40 text-emerald-700 dark:text-emerald-400"
              : "text-muted-foreground",
          )}
        >
          {hook.isEnabled ? "Enabled" : "Disabled"}
        </span>
        {canEdit ? (
          <div className="ml-auto flex flex-wrap gap-1">
            <Button
              size="sm"
              variant="ghost"
              onClick={() => setEnabled.mutate({ id: hook.id, isEnabled: !hook.isEnabled })}
              disabled={setEnabled.isPending}
            >
              {hook.isEnabled ? "Disable" : "Enable"}
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={onEdit}
              aria-label={`Edit ${hook.name || "webhook"}`}
            >
              <Pencil className="size-4" aria-hidden /> Edit
            </Button>
            {config.auth === "none" ? null : (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => rotate.mutate({ id: hook.id })}
                disabled={rotate.isPending}
                title="Make a new secret; the old one stops working at once"
              >
                <KeyRound className="size-4" aria-hidden /> Rotate secret
              </Button>
            )}
            {isConfirmingDelete ? (
              <>
                <Button
                  size="sm"
                  variant="danger"
                  onClick={() => remove.mutate({ id: hook.id })}
                  disabled={remove.isPending}
                >
                  {remove.isPending ? <Spinner /> : null} Delete for good
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirmingDelete(false)}>
                  Keep
                </Button>
              </>
            ) : (
              <Button
                size="sm"
                variant="ghost"
                onClick={() => setConfirmingDelete(true)}
                aria-label={`Delete ${hook.name || "webhook"}`}
              >
                <Trash2 className="size-4" aria-hidden />
              </Button>
            )}
          </div>
        ) : null}
      </div>
      <div className="flex items-center gap-1 rounded-md border bg-muted/50 pl-3">
        <code className="min-w-0 flex-1 truncate text-xs" title={url}>
          {url}
        </code>
        <CopyButton text={url} label="URL" />
      </div>
      <p className="text-xs text-muted-foreground">{summary.join(" · ")}</p>
      <details className="text-sm">
        <summary className="cursor-pointer text-xs font-medium">Call it with curl</summary>
        <div className="mt-2 flex items-start gap-1">
          <pre className="min-w-0 flex-1 overflow-auto rounded-md border bg-muted p-3 font-mono text-xs">
            {curlExample(url, config)}
          </pre>
          <CopyButton text={curlExample(url, config)} label="curl command" />
        </div>
        {config.auth === "none" ? null : (
          <p className="mt-1 text-xs text-muted-foreground">
            Set WEBHOOK_SECRET to the secret shown when the webhook was made or its secret rotated.
          </p>
        )}
      </details>
      <TestRequest
        hook={hook}
        listening={listening}
        canEdit={canEdit}
        onListen={(isListening) => listen.mutate({ id: hook.id, isListening })}
        isPending={listen.isPending}
      />
    </li>
  );
}

function TestRequest({
  hook,
  listening,
  canEdit,
  onListen,
  isPending,
}: {
  hook: WebhookItem;
  listening: boolean;
  canEdit: boolean;
  onListen: (listen: boolean) => void;
  isPending: boolean;
}) {
  return (
    <section className="space-y-2 rounded-md border border-dashed p-3" aria-label="Test request">
      <div className="flex flex-wrap items-center gap-2">
        {listening ? (
          <p role="status" className="flex items-center gap-2 text-sm">
            <Spinner label="Listening" /> Listening until {timeFormat.format(hook.listenUntil!)}:
            send a request to the URL.
          </p>
        ) : (
          <p className="text-sm text-muted-foreground">
            {hook.lastRequestAt
              ? `Last test request: ${dateTimeFormat.format(hook.lastRequestAt)}`
              : "Send a real request to build the mapping from it."}
          </p>
        )}
        {canEdit ? (
          <Button
            size="sm"
            variant="secondary"
            className="ml-auto"
            onClick={() => onListen(!listening)}
            disabled={isPending}
          >
            <Ear className="size-4" aria-hidden />{" "}
            {listening ? "Stop listening" : "Listen for a test request"}
          </Button>
        ) : null}
      </div>
      {hook.lastRequest ? (
        <pre
          aria-label="Last test request"
          className="max-h-64 overflow-auto rounded-md bg-muted p-3 font-mono text-xs"
        >
          {JSON.stringify(hook.lastRequest, null, 2)}
        </pre>
      ) : null}
    </section>
  );
}
