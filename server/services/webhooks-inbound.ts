import type { Db } from "@/db/client";
import type { WebhookConfig } from "@/db/schema";
import { AppError, conflict } from "@/engine/errors";
import * as repo from "@/server/repositories/webhooks";
import { decryptSecret } from "@/server/secrets";
import type { RequestMeta, TenantContext } from "./context";
import { getRequestRateLimiter, type RequestRateLimiter } from "./rate-limit";
import { startRun, type RunDeps, type StartedRunResult } from "./runs";
import { checkRequestAllowed } from "./tenant-limits";
import { contextForTrigger } from "./trigger-context";
import { webhookConfigInput } from "./webhooks";

/**
 * The use cases behind `/api/hooks/<publicId>` (app/api/hooks/[id]/route.ts does the HTTP):
 * finding the hook, keeping a test request, and starting the run as the hook's creator.
 */

/** A hook as a request meets it: its settings, its secret in clear (held for this request only). */
export interface InboundHook {
  id: string;
  tenantId: string;
  workflowId: string;
  createdBy: string | null;
  createdByTokenId: string | null;
  config: WebhookConfig;
  secret: string | null;
  hasPublishedVersion: boolean;
  isListening: boolean;
}

/** A public id is 24 bytes in base64url (32 characters); anything else finds nothing without a query. */
const PUBLIC_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The enabled hook at this public id, or undefined: unknown and disabled hooks look the same to
 * the caller. Throws SecretDecryptError when the stored secret cannot be read (the app key changed).
 */
export async function findInboundHook(
  db: Db,
  publicId: string,
  now = new Date(),
): Promise<InboundHook | undefined> {
  if (!PUBLIC_ID.test(publicId)) return undefined;
  const target = await repo.findEnabledWebhookByPublicId(db, publicId);
  if (!target) return undefined;
  const { hook } = target;
  return {
    id: hook.id,
    tenantId: hook.tenantId,
    workflowId: hook.workflowId,
    createdBy: hook.createdBy,
    createdByTokenId: hook.createdByTokenId,
    // Stored through the same schema, so this only fills defaults a later version may add.
    config: webhookConfigInput.parse(hook.config),
    secret: hook.secretEncrypted ? decryptSecret(hook.secretEncrypted) : null,
    hasPublishedVersion: target.latestVersionId !== null,
    isListening: hook.listenUntil !== null && hook.listenUntil > now,
  };
}

/** Keeps a request for "Listen for a test request" (the caller strips secrets from it first). */
export async function recordTestRequest(
  db: Db,
  hook: InboundHook,
  request: unknown,
  now = new Date(),
): Promise<void> {
  await repo.recordWebhookRequest(db, hook.id, request, now);
}

/**
 * Starts the hook's workflow as its creator (contextForTrigger: refused when they left or lost
 * the right to run workflows), through the one run service with trigger "webhook". Each hook
 * counts against the tenant's per-API-token request limit, as a token would.
 */
export async function startHookRun(
  db: Db,
  deps: RunDeps,
  hook: InboundHook,
  request: { input: unknown; idempotencyKey?: string; meta: RequestMeta },
  limiter: RequestRateLimiter = getRequestRateLimiter(),
): Promise<{ ctx: TenantContext; run: StartedRunResult }> {
  const ctx = await contextForTrigger(db, hook, request.meta);
  await checkRequestAllowed(
    {
      db,
      userId: ctx.actor.userId,
      tenantId: hook.tenantId,
      apiTokenId: `webhook:${hook.id}`,
      standing: ctx.standing,
    },
    true,
    limiter,
  ).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "RATE_LIMITED") {
      const { limit, retryAfterSeconds } = error.details as {
        limit: number;
        retryAfterSeconds: number;
      };
      throw new AppError(
        "RATE_LIMITED",
        `Too many requests: this webhook got more than ${limit} in a minute (the tenant's limit per API token, which each webhook has too). Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? "" : "s"}.`,
        error.details,
      );
    }
    throw error;
  });
  if (hook.config.version === "latest" && !hook.hasPublishedVersion) {
    throw conflict(
      "The workflow has no published version yet: publish it, or set the webhook to run the draft.",
      { reason: "NOT_PUBLISHED" },
    );
  }
  const run = await startRun(ctx, deps, {
    workflowId: hook.workflowId,
    draft: hook.config.version === "draft",
    input: request.input,
    trigger: "webhook",
    triggerId: hook.id,
    idempotencyKey: request.idempotencyKey,
    // Waiting and streaming hooks follow their run to its end.
    followed: hook.config.response !== "async",
  });
  return { ctx, run };
}
