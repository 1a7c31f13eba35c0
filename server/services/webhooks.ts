import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { WebhookConfig } from "@/db/schema";
import { AppError, notFound } from "@/engine/errors";
import * as repo from "@/server/repositories/webhooks";
import { findWorkflowHead } from "@/server/repositories/workflows";
import { encryptSecret } from "@/server/secrets";
import { withAudit } from "./audit";
import type { TenantContext } from "./context";
import { isSecretHeader, MAPPING_SOURCE } from "./webhooks-request";

/**
 * Webhook triggers (README "Triggers"): a URL `/api/hooks/<publicId>` that starts a run of its
 * workflow from an HTTP request. The public id is 24 random bytes, so the URL cannot be guessed;
 * the secret (a shared header value or an HMAC key) is made here, shown once when made or rotated,
 * stored encrypted (server/secrets.ts) and never sent again. Requests are handled by
 * app/api/hooks/[id]/route.ts with webhooks-inbound.ts.
 */

export const WEBHOOK_METHODS = ["POST", "GET", "PUT"] as const;
export const WEBHOOK_AUTH = ["hmac-sha256", "header", "none"] as const;
export const WEBHOOK_VERSIONS = ["latest", "draft"] as const;
export const WEBHOOK_RESPONSES = ["async", "wait", "stream"] as const;
/** The longest a `wait` or `stream` hook keeps the caller's connection open. */
export const MAX_TIMEOUT_SECONDS = 300;
/** How long "Listen for a test request" keeps the requests a hook receives. */
export const LISTEN_MS = 2 * 60_000;
const MAX_HOOKS_PER_WORKFLOW = 20;
const MAX_MAPPED_FIELDS = 50;

/** GitHub's signature header for HMAC; a plain header name for a shared secret. */
export const defaultAuthHeader = (auth: WebhookConfig["auth"]) =>
  auth === "header" ? "X-Webhook-Secret" : "X-Hub-Signature-256";

const headerName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,64}$/, "A header name is 1 to 64 letters, digits and dashes");
const fieldName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    "An input field is a name of letters, digits and _ (up to 64), not starting with a digit",
  );
const mappingSource = z
  .string()
  .trim()
  .max(200, "At most 200 characters")
  .regex(MAPPING_SOURCE, "Take a value from body, body.a.b, query.x or headers.x-y");

/** A hook's settings as the form sends them; omitted ones take the defaults (a signed POST answered at once). */
export const webhookConfigInput = z
  .object({
    method: z.enum(WEBHOOK_METHODS).default("POST"),
    auth: z.enum(WEBHOOK_AUTH).default("hmac-sha256"),
    authHeader: headerName.optional(),
    version: z.enum(WEBHOOK_VERSIONS).default("latest"),
    response: z.enum(WEBHOOK_RESPONSES).default("async"),
    timeoutSeconds: z
      .int()
      .min(1, "At least 1 second")
      .max(MAX_TIMEOUT_SECONDS, `At most ${MAX_TIMEOUT_SECONDS} seconds`)
      .default(30),
    mapping: z.record(fieldName, mappingSource).default({}),
  })
  .superRefine((config, ctx) => {
    const fields = Object.entries(config.mapping);
    if (fields.length > MAX_MAPPED_FIELDS)
      ctx.addIssue({
        code: "custom",
        path: ["mapping"],
        message: `Map at most ${MAX_MAPPED_FIELDS} fields`,
      });
    const authHeader = config.authHeader ?? defaultAuthHeader(config.auth);
    for (const [field, source] of fields) {
      // The secret would be copied into the run's input, its events and its page.
      if (
        source.startsWith("headers.") &&
        isSecretHeader(source.slice("headers.".length), authHeader)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["mapping", field],
          message: `${source} carries a secret and cannot be mapped into the input`,
        });
      }
    }
  })
  .transform((config): WebhookConfig => ({
    ...config,
    authHeader: config.authHeader ?? defaultAuthHeader(config.auth),
  }));

export const webhookName = z.string().trim().max(80, "At most 80 characters");

export const createWebhookInput = z.object({
  workflowId: z.uuid(),
  name: webhookName.default(""),
  config: webhookConfigInput.prefault({}),
});
export const updateWebhookInput = z.object({
  id: z.uuid(),
  name: webhookName.optional(),
  config: webhookConfigInput.optional(),
});

/** A webhook as the Triggers dialog lists it, with the path of its URL (the browser adds the origin). */
export type WebhookItem = repo.WebhookSummary & { path: string };

const hookPath = (publicId: string) => `/api/hooks/${publicId}`;
const toItem = (hook: repo.WebhookSummary): WebhookItem => ({
  ...hook,
  path: hookPath(hook.publicId),
});

const newPublicId = () => randomBytes(24).toString("base64url");
/** `whsec_` and 32 random bytes: also the HMAC key, as GitHub's and Stripe's webhook secrets are. */
const newSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;

async function findOrThrow(ctx: TenantContext, id: string): Promise<repo.WebhookSummary> {
  const hook = await repo.findWebhookSummary(ctx.db, ctx.tenant.id, id);
  if (!hook) throw notFound("webhook", id);
  return hook;
}

/** What the audit log keeps of a hook's settings: everything but the secret (which is never in the config). */
const auditOf = (hook: { name: string; publicId: string; config: WebhookConfig }) => ({
  name: hook.name,
  publicId: hook.publicId,
  config: hook.config,
});

export async function listWebhooks(ctx: TenantContext, workflowId: string): Promise<WebhookItem[]> {
  if (!(await findWorkflowHead(ctx.db, ctx.tenant.id, workflowId)))
    throw notFound("workflow", workflowId);
  return (await repo.listWebhooks(ctx.db, ctx.tenant.id, workflowId)).map(toItem);
}

/** Adds a webhook to a workflow; answers with its secret this once (none for `auth: "none"`). */
export async function createWebhook(ctx: TenantContext, input: z.infer<typeof createWebhookInput>) {
  const workflow = await findWorkflowHead(ctx.db, ctx.tenant.id, input.workflowId);
  if (!workflow) throw notFound("workflow", input.workflowId);
  if ((await repo.countWebhooks(ctx.db, ctx.tenant.id, workflow.id)) >= MAX_HOOKS_PER_WORKFLOW) {
    throw new AppError(
      "INVALID_INPUT",
      `A workflow has at most ${MAX_HOOKS_PER_WORKFLOW} webhooks: delete one first.`,
    );
  }
  const secret = input.config.auth === "none" ? null : newSecret();
  const id = await withAudit(ctx, async (tx) => {
    const row = await repo.insertWebhook(tx, {
      tenantId: ctx.tenant.id,
      workflowId: workflow.id,
      name: input.name,
      publicId: newPublicId(),
      config: input.config,
      secretEncrypted: secret ? encryptSecret(secret) : null,
      createdBy: ctx.actor.userId,
      createdByTokenId: ctx.meta.apiToken?.id ?? null,
    });
    return {
      value: row.id,
      audit: {
        action: "webhook.create",
        targetType: "webhook",
        targetId: row.id,
        metadata: {
          workflow: workflow.name,
          ...auditOf({ ...row, publicId: row.publicId!, config: input.config }),
        },
      },
    };
  });
  return { hook: toItem(await findOrThrow(ctx, id)), secret };
}

/**
 * Changes a hook's name or settings. A hook that had no secret (`auth: "none"`) and now needs one
 * gets a new secret, in the answer this once.
 */
export async function updateWebhook(ctx: TenantContext, input: z.infer<typeof updateWebhookInput>) {
  const hook = await findOrThrow(ctx, input.id);
  const needsSecret = input.config !== undefined && input.config.auth !== "none" && !hook.hasSecret;
  const secret = needsSecret ? newSecret() : null;
  await withAudit(ctx, async (tx) => {
    await repo.updateWebhook(tx, ctx.tenant.id, hook.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.config !== undefined ? { config: input.config } : {}),
      ...(secret ? { secretEncrypted: encryptSecret(secret) } : {}),
    });
    const after = {
      name: input.name ?? hook.name,
      publicId: hook.publicId,
      config: input.config ?? hook.config,
    };
    return {
      value: undefined,
      audit: {
        action: "webhook.update",
        targetType: "webhook",
        targetId: hook.id,
        metadata: { before: auditOf(hook), after: auditOf(after) },
      },
    };
  });
  return { hook: toItem(await findOrThrow(ctx, hook.id)), secret };
}

/** A disabled hook answers 404, as an unknown one does, until it is enabled again. */
export async function setWebhookEnabled(
  ctx: TenantContext,
  input: { id: string; isEnabled: boolean },
): Promise<WebhookItem> {
  const hook = await findOrThrow(ctx, input.id);
  await withAudit(ctx, async (tx) => {
    await repo.updateWebhook(tx, ctx.tenant.id, hook.id, { isEnabled: input.isEnabled });
    return {
      value: undefined,
      audit: {
        action: input.isEnabled ? "webhook.enable" : "webhook.disable",
        targetType: "webhook",
        targetId: hook.id,
        metadata: { name: hook.name },
      },
    };
  });
  return toItem(await findOrThrow(ctx, hook.id));
}

/** Replaces the secret: requests with the old one are refused (401) from now on. Answers with the new one this once. */
export async function rotateWebhookSecret(ctx: TenantContext, id: string) {
  const hook = await findOrThrow(ctx, id);
  if (hook.config.auth === "none") {
    throw new AppError(
      "INVALID_INPUT",
      "This webhook takes requests without a secret: choose a header secret or a signature first.",
      { field: "auth" },
    );
  }
  const secret = newSecret();
  await withAudit(ctx, async (tx) => {
    await repo.updateWebhook(tx, ctx.tenant.id, hook.id, {
      secretEncrypted: encryptSecret(secret),
    });
    return {
      value: undefined,
      audit: {
        action: "webhook.rotateSecret",
        targetType: "webhook",
        targetId: hook.id,
        metadata: { name: hook.name },
      },
    };
  });
  return { hook: toItem(await findOrThrow(ctx, hook.id)), secret };
}

/**
 * "Listen for a test request": for the next two minutes the hook keeps the last request it gets
 * (method, query, headers without secrets, body), so the input mapping can be built from a real
 * one. Requests are still handled as usual meanwhile. `isListening: false` stops early.
 */
export async function listenForTestRequest(
  ctx: TenantContext,
  input: { id: string; isListening: boolean },
  now = new Date(),
): Promise<WebhookItem> {
  const hook = await findOrThrow(ctx, input.id);
  const listenUntil = input.isListening ? new Date(now.getTime() + LISTEN_MS) : null;
  await withAudit(ctx, async (tx) => {
    await repo.updateWebhook(tx, ctx.tenant.id, hook.id, { listenUntil });
    return {
      value: undefined,
      audit: {
        action: input.isListening ? "webhook.listen" : "webhook.stopListening",
        targetType: "webhook",
        targetId: hook.id,
        metadata: { name: hook.name },
      },
    };
  });
  return toItem(await findOrThrow(ctx, hook.id));
}

export async function deleteWebhook(ctx: TenantContext, id: string): Promise<{ id: string }> {
  const hook = await findOrThrow(ctx, id);
  await withAudit(ctx, async (tx) => {
    await repo.deleteWebhook(tx, ctx.tenant.id, hook.id);
    return {
      value: undefined,
      audit: {
        action: "webhook.delete",
        targetType: "webhook",
        targetId: hook.id,
        metadata: auditOf(hook),
      },
    };
  });
  return { id: hook.id };
}
