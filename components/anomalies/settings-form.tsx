"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Spinner } from "@/components/ui/states";
import { MetricSensitivityFields } from "./metric-sensitivity-fields";
import { FallbackServersField, fallbackPairsOf, fallbackRecordOf } from "./fallback-servers-field";
import { RULE_KEYS, RULE_TEXT, SENSITIVITIES, SENSITIVITY_TEXT } from "./settings-text";
import type { AnomalySettings } from "./types";
import { WebhookFields, webhookSecretInput, type SecretChange } from "./webhook-fields";

const FIELDS = ["sensitivity", "rules", "fallbackServers", "webhookUrl", "webhookSecret"] as const;
type Errors = Partial<Record<(typeof FIELDS)[number] | "form", string>>;

/**
 * Per field: zod's field errors and a domain error naming its field (fieldErrorsOf), plus the
 * `{ fieldErrors }` details the anomaly service attaches to its own checks.
 */
function errorsOf(error: unknown): Errors {
  const errors: Errors = fieldErrorsOf(error, FIELDS);
  const details = (
    error as {
      data?: { appDetails?: { fieldErrors?: Record<string, string[] | undefined> } | null };
    } | null
  )?.data?.appDetails;
  for (const field of FIELDS) {
    const message = details?.fieldErrors?.[field]?.[0];
    if (message) errors[field] = message;
  }
  if (Object.keys(errors).some((k) => k !== "form")) delete errors.form;
  for (const key of Object.keys(errors) as (keyof Errors)[]) errors[key] = capitalize(errors[key]!);
  return errors;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The settings form; read-only (every control disabled, no Save) for those without anomaly.manage. */
export function AnomalySettingsForm({
  settings,
  serverNames,
  canEdit,
  onSaved,
}: {
  settings: AnomalySettings;
  serverNames: string[];
  canEdit: boolean;
  onSaved: (next: AnomalySettings) => void;
}) {
  const trpc = useTRPC();
  const [sensitivity, setSensitivity] = useState(settings.sensitivity);
  const [metricSensitivity, setMetricSensitivity] = useState(settings.metricSensitivity);
  const [rules, setRules] = useState(settings.rules);
  const [pairs, setPairs] = useState(() => fallbackPairsOf(settings.fallbackServers));
  const [webhookUrl, setWebhookUrl] = useState(settings.webhookUrl);
  const [secret, setSecret] = useState<SecretChange>({ kind: "keep" });
  const [clientErrors, setClientErrors] = useState<Errors>({});
  const save = useMutation(
    trpc.anomaly.updateSettings.mutationOptions({
      onSuccess: (next) => {
        toast.success("Anomaly settings saved");
        onSaved(next);
      },
    }),
  );
  const errors: Errors = { ...errorsOf(save.error), ...clientErrors };
  // Names stay offered even when their server was uninstalled since they were saved.
  const names = [
    ...new Set([...serverNames, ...pairs.flatMap((p) => [p.server, p.fallback]).filter(Boolean)]),
  ].sort();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.reset();
    const fallbacks = fallbackRecordOf(pairs);
    const found: Errors = {};
    if ("error" in fallbacks) found.fallbackServers = fallbacks.error;
    if (secret.kind === "replace" && !secret.value.trim())
      found.webhookSecret = "Enter the new secret, or keep the current one";
    setClientErrors(found);
    if ("error" in fallbacks || Object.keys(found).length) return;
    save.mutate({
      sensitivity,
      metricSensitivity,
      rules,
      fallbackServers: fallbacks.value,
      webhookUrl: webhookUrl.trim(),
      webhookSecret: webhookSecretInput(secret),
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      <fieldset disabled={!canEdit} className="space-y-6">
        <Section
          title="Sensitivity"
          description="How far a value must stray from its expected band before it is flagged."
        >
          <div role="radiogroup" aria-label="Sensitivity" className="grid gap-2 sm:grid-cols-3">
            {SENSITIVITIES.map((level) => (
              <label
                key={level}
                className="flex cursor-pointer gap-3 rounded-lg border p-3 text-sm has-[:checked]:border-primary has-[:checked]:bg-primary/5"
              >
                <input
                  type="radio"
                  name="sensitivity"
                  value={level}
                  checked={sensitivity === level}
                  onChange={() => setSensitivity(level)}
                  className="mt-0.5 size-4"
                />
                <span>
                  <span className="block font-medium">{SENSITIVITY_TEXT[level].label}</span>
                  <span className="block text-xs text-muted-foreground">
                    {SENSITIVITY_TEXT[level].description}
                  </span>
                </span>
              </label>
            ))}
          </div>
          <FormError id="sensitivity-error">{errors.sensitivity}</FormError>
          <MetricSensitivityFields
            metrics={settings.metrics}
            value={metricSensitivity}
            onChange={setMetricSensitivity}
          />
        </Section>

        <Section
          title="Remediation"
          description="What Maestro does by itself when an alert opens. Every action is audited and can be undone from the alert."
        >
          <ul className="space-y-3">
            {RULE_KEYS.map((rule) => (
              <li key={rule} className="flex items-start gap-3">
                <input
                  id={`rule-${rule}`}
                  type="checkbox"
                  role="switch"
                  checked={rules[rule]}
                  onChange={(e) => setRules({ ...rules, [rule]: e.target.checked })}
                  aria-describedby={`rule-${rule}-help`}
                  className="mt-0.5 size-4 accent-[var(--primary)]"
                />
                <div>
                  <label htmlFor={`rule-${rule}`} className="text-sm font-medium">
                    {RULE_TEXT[rule].label}
                  </label>
                  <p id={`rule-${rule}-help`} className="text-xs text-muted-foreground">
                    {RULE_TEXT[rule].description}
                  </p>
                </div>
              </li>
            ))}
          </ul>
          <FormError id="rules-error">{errors.rules}</FormError>
          <FallbackServersField
            pairs={pairs}
            onChange={setPairs}
            serverNames={names}
            error={errors.fallbackServers}
            isDisabled={!canEdit}
          />
        </Section>

        <Section
          title="Notifications"
          description="Besides this page and the sidebar badge, alerts can be sent to a webhook."
        >
          <WebhookFields
            url={webhookUrl}
            onUrlChange={setWebhookUrl}
            hasSecret={settings.hasWebhookSecret}
            secret={secret}
            onSecretChange={setSecret}
            errors={errors}
            isDisabled={!canEdit}
          />
        </Section>
      </fieldset>
      <FormError>{errors.form}</FormError>
      {canEdit ? (
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? <Spinner /> : null}
          Save settings
        </Button>
      ) : null}
    </form>
  );
}

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  const id = `section-${title.toLowerCase()}`;
  return (
    <section aria-labelledby={id} className="space-y-3 rounded-xl border bg-card p-5">
      <div>
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        <p className="text-sm text-muted-foreground">{description}</p>
      </div>
      {children}
    </section>
  );
}
