import { createHmac } from "node:crypto";
import type { AlertRow, AnomalySettingsRow } from "@/server/repositories/alerts";
import { decryptSecret } from "@/server/secrets";

export type AlertWebhookEvent = "alert.opened" | "alert.resolved";

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the receiver recomputes it with the tenant's secret. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex");
  return `t=${timestampSeconds},v1=${mac}`;
}

/** The webhook's JSON: what happened, to which series, with the band and a link-able id. */
export function webhookPayload(event: AlertWebhookEvent, alert: AlertRow) {
  return {
    type: event,
    alert: {
      id: alert.id,
      tenantId: alert.tenantId,
      title: alert.title,
      severity: alert.severity,
      status: alert.status,
      metric: alert.metric,
      subject: alert.subject,
      value: alert.value,
      band: [alert.bandLow, alert.bandHigh],
      reason: alert.reason,
      startedAt: alert.startedAt.toISOString(),
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      actions: alert.actions.map((a) => ({
        rule: a.rule,
        description: a.description,
        undone: Boolean(a.undoneAt),
      })),
    },
  };
}

/**
 * Posts the alert to the tenant's webhook, signed (header `Maestro-Signature`). Best effort: a
 * receiver that is down or slow (5 s) is logged, never retried in a loop, and never holds up the
 * watcher.
 */
export async function sendAlertWebhook(
  deps: { fetch?: typeof fetch },
  settings: Pick<AnomalySettingsRow, "webhookUrl" | "webhookSecret"> | undefined,
  event: AlertWebhookEvent,
  alert: AlertRow,
): Promise<boolean> {
  if (!settings?.webhookUrl) return false;
  const body = JSON.stringify(webhookPayload(event, alert));
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "maestro-alerts/1",
  };
  try {
    if (settings.webhookSecret)
      headers["maestro-signature"] = signWebhook(
        decryptSecret(settings.webhookSecret),
        body,
        Math.floor(Date.now() / 1000),
      );
    const response = await (deps.fetch ?? fetch)(settings.webhookUrl, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(5_000),
      redirect: "manual",
    });
    if (!response.ok)
      console.error(`Alert webhook for tenant ${alert.tenantId} answered ${response.status}`);
    return response.ok;
  } catch (error) {
    console.error(
      `Alert webhook for tenant ${alert.tenantId} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return false;
  }
}
