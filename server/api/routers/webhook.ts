import { z } from "zod";
import * as webhooks from "@/server/services/webhooks";
import { permissionProcedure, router } from "../trpc";

const id = z.uuid();

/** Webhook triggers of a workflow (the Triggers dialog's Webhooks tab). Secrets are answered only by create, rotateSecret and an update that makes one. */
export const webhookRouter = router({
  // Listed to those who may manage them: a webhook without a secret is run by whoever holds its URL.
  list: permissionProcedure("trigger.manage")
    .input(z.object({ workflowId: id }))
    .query(({ ctx, input }) => webhooks.listWebhooks(ctx, input.workflowId)),

  create: permissionProcedure("trigger.manage")
    .input(webhooks.createWebhookInput)
    .mutation(({ ctx, input }) => webhooks.createWebhook(ctx, input)),

  update: permissionProcedure("trigger.manage")
    .input(webhooks.updateWebhookInput)
    .mutation(({ ctx, input }) => webhooks.updateWebhook(ctx, input)),

  setEnabled: permissionProcedure("trigger.manage")
    .input(z.object({ id, isEnabled: z.boolean() }))
    .mutation(({ ctx, input }) => webhooks.setWebhookEnabled(ctx, input)),

  rotateSecret: permissionProcedure("trigger.manage")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => webhooks.rotateWebhookSecret(ctx, input.id)),

  /** Keep the requests the hook receives for two minutes (or stop), to build the mapping from a real one. */
  listen: permissionProcedure("trigger.manage")
    .input(z.object({ id, isListening: z.boolean() }))
    .mutation(({ ctx, input }) => webhooks.listenForTestRequest(ctx, input)),

  delete: permissionProcedure("trigger.manage")
    .input(z.object({ id }))
    .mutation(({ ctx, input }) => webhooks.deleteWebhook(ctx, input.id)),
});
