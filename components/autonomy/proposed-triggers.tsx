import { CalendarClock, Webhook } from "lucide-react";
import type { ProposedTrigger } from "./types";

/** What would start the proposed workflow, read from the task, with why; nothing is set up yet. */
export function ProposedTriggers({ triggers }: { triggers: readonly ProposedTrigger[] }) {
  if (triggers.length === 0) return null;
  return (
    <div>
      <h3 className="mb-1 text-sm font-medium">This workflow would start</h3>
      <ul aria-label="Proposed triggers" className="divide-y rounded-lg border">
        {triggers.map((trigger) => {
          const Icon = trigger.kind === "schedule" ? CalendarClock : Webhook;
          return (
            <li
              key={`${trigger.kind}:${trigger.description}`}
              className="flex items-start gap-3 px-3 py-2 text-sm"
              data-testid="proposed-trigger"
            >
              <Icon className="mt-0.5 size-4 shrink-0 text-primary" aria-hidden />
              <div className="min-w-0">
                <p>
                  <span className="font-medium">{trigger.description}</span>{" "}
                  <span className="text-muted-foreground">({trigger.kind})</span>
                  {trigger.kind === "schedule" ? (
                    <>
                      {" "}
                      <code className="rounded bg-muted px-1 text-xs">{trigger.cron}</code>
                      {trigger.timezone ? (
                        <span className="text-xs text-muted-foreground"> {trigger.timezone}</span>
                      ) : null}
                    </>
                  ) : null}
                </p>
                <p className="text-xs text-muted-foreground">{trigger.reason}</p>
              </div>
            </li>
          );
        })}
      </ul>
      <p className="mt-1 text-xs text-muted-foreground">
        Not set up yet: after creating the workflow, add it in the workflow&apos;s Triggers dialog.
      </p>
    </div>
  );
}
