"use client";

import { useMutation } from "@tanstack/react-query";
import { Undo2 } from "lucide-react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";
import { useAlertUpdated } from "./alert-status-actions";
import { formatDateTime } from "./format";
import { RULE_TEXT } from "./settings-text";
import type { AlertAction } from "./types";

/** What the watcher did about the alert (remediation rules), each with Undo for those with anomaly.manage. */
export function RemediationList({ alertId, actions }: { alertId: string; actions: AlertAction[] }) {
  return (
    <section aria-labelledby="remediation-title" className="rounded-xl border bg-card p-4">
      <h2 id="remediation-title" className="mb-3 text-sm font-semibold">
        Actions taken
      </h2>
      {actions.length ? (
        <ul aria-label="Actions taken" className="divide-y">
          {actions.map((action) => (
            <RemediationItem key={action.id} alertId={alertId} action={action} />
          ))}
        </ul>
      ) : (
        <p className="text-sm text-muted-foreground">
          None: no remediation rule applied to this alert. Admins switch rules on in the settings.
        </p>
      )}
    </section>
  );
}

function RemediationItem({ alertId, action }: { alertId: string; action: AlertAction }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const onUpdated = useAlertUpdated(alertId);
  const undo = useMutation(
    trpc.anomaly.undoAction.mutationOptions({
      onSuccess: (updated) => {
        onUpdated(updated);
        toast.success("Action undone");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const at = new Date(action.at);
  return (
    <li
      className="flex flex-wrap items-start justify-between gap-3 py-2"
      data-testid="remediation-action"
    >
      <div className="min-w-0 text-sm">
        <p className={action.undoneAt ? "text-muted-foreground line-through" : undefined}>
          {action.description}
        </p>
        <p className="text-xs text-muted-foreground">
          {RULE_TEXT[action.rule]?.label ?? action.rule} ·{" "}
          <time dateTime={action.at}>{formatDateTime(at)}</time>
        </p>
        {action.undoneAt ? (
          <p className="text-xs text-muted-foreground">
            Undone by {action.undoneBy ?? "someone"} at{" "}
            <time dateTime={action.undoneAt}>{formatDateTime(new Date(action.undoneAt))}</time>
          </p>
        ) : null}
      </div>
      {!action.undoneAt && can("anomaly.manage") ? (
        <Button
          size="sm"
          variant="secondary"
          onClick={() => undo.mutate({ alertId, actionId: action.id })}
          disabled={undo.isPending}
          aria-label={`Undo: ${action.description}`}
        >
          {undo.isPending ? <Spinner /> : <Undo2 className="size-4" aria-hidden />}
          Undo
        </Button>
      ) : null}
    </li>
  );
}
