"use client";

/** Placeholder: filled in by the webhooks work of issue 15. */
export function WebhooksTab({ workflowId }: { workflowId: string }) {
  void workflowId;
  return null;
}
