"use client";

import { KeyRound } from "lucide-react";
import { FormError } from "@/components/ui/form-error";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";

/** What happens to the stored signing secret on save: kept, replaced by a new one, or removed. */
export type SecretChange =
  { kind: "keep" } | { kind: "replace"; value: string } | { kind: "remove" };

/** The webhook: its URL, and its signing secret, which is write-only (shown as set or not set). */
export function WebhookFields({
  url,
  onUrlChange,
  hasSecret,
  secret,
  onSecretChange,
  errors,
  isDisabled,
}: {
  url: string;
  onUrlChange: (url: string) => void;
  hasSecret: boolean;
  secret: SecretChange;
  onSecretChange: (change: SecretChange) => void;
  errors: { webhookUrl?: string; webhookSecret?: string };
  isDisabled: boolean;
}) {
  const showsSecretInput = secret.kind === "replace" || (!hasSecret && secret.kind === "keep");
  return (
    <fieldset className="space-y-4">
      <legend className="text-sm font-medium">Webhook</legend>
      <p className="text-xs text-muted-foreground">
        Maestro posts <code>alert.opened</code> and <code>alert.resolved</code> as JSON to this URL.
        With a secret, each request carries a <code>Maestro-Signature</code> header:{" "}
        <code>t=&lt;unix seconds&gt;,v1=&lt;HMAC-SHA256 of &quot;t.body&quot;&gt;</code>.
      </p>
      <Field label="Webhook URL" htmlFor="webhookUrl" error={errors.webhookUrl}>
        <Input
          id="webhookUrl"
          type="url"
          inputMode="url"
          autoComplete="off"
          placeholder="https://hooks.example.com/maestro"
          value={url}
          onChange={(e) => onUrlChange(e.target.value)}
          aria-invalid={errors.webhookUrl ? true : undefined}
          aria-describedby={errors.webhookUrl ? "webhookUrl-error" : undefined}
        />
      </Field>
      {showsSecretInput && !isDisabled ? (
        <Field
          label={hasSecret ? "New signing secret" : "Signing secret (optional)"}
          htmlFor="webhookSecret"
          error={errors.webhookSecret}
        >
          <div className="flex gap-2">
            <Input
              id="webhookSecret"
              type="password"
              autoComplete="new-password"
              value={secret.kind === "replace" ? secret.value : ""}
              onChange={(e) => onSecretChange({ kind: "replace", value: e.target.value })}
              aria-invalid={errors.webhookSecret ? true : undefined}
              aria-describedby={errors.webhookSecret ? "webhookSecret-error" : undefined}
            />
            {hasSecret ? (
              <Button variant="ghost" onClick={() => onSecretChange({ kind: "keep" })}>
                Keep the current secret
              </Button>
            ) : null}
          </div>
        </Field>
      ) : (
        <div className="space-y-1.5">
          <p className="text-sm font-medium">Signing secret</p>
          <div className="flex flex-wrap items-center gap-2">
            <p className="flex items-center gap-1.5 text-sm" data-testid="webhook-secret-status">
              <KeyRound className="size-4 text-muted-foreground" aria-hidden />
              {secret.kind === "remove"
                ? "Set: it will be removed when you save"
                : hasSecret
                  ? "Set"
                  : "Not set"}
            </p>
            {isDisabled ? null : secret.kind === "remove" ? (
              <Button size="sm" variant="ghost" onClick={() => onSecretChange({ kind: "keep" })}>
                Keep it
              </Button>
            ) : (
              <>
                <Button
                  size="sm"
                  variant="secondary"
                  onClick={() => onSecretChange({ kind: "replace", value: "" })}
                >
                  Replace secret
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => onSecretChange({ kind: "remove" })}
                >
                  Remove secret
                </Button>
              </>
            )}
          </div>
          <FormError>{errors.webhookSecret}</FormError>
        </div>
      )}
    </fieldset>
  );
}

/** The `webhookSecret` the server takes: undefined keeps it, "" removes it. */
export function webhookSecretInput(change: SecretChange): string | undefined {
  if (change.kind === "remove") return "";
  if (change.kind === "replace" && change.value.trim()) return change.value.trim();
  return undefined;
}
