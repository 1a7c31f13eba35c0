"use client";

import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { McpToolTab } from "./mcp-tool-tab";
import { SchedulesTab } from "./schedules-tab";
import { WebhooksTab } from "./webhooks-tab";

const TABS = [
  { id: "webhooks", label: "Webhooks", Tab: WebhooksTab },
  { id: "schedules", label: "Schedules", Tab: SchedulesTab },
  { id: "mcp-tool", label: "MCP tool", Tab: McpToolTab },
] as const;
type TabId = (typeof TABS)[number]["id"];

/**
 * "Triggers" on the canvas: every way a workflow starts without the Run button, one tab each.
 * Only the open tab is mounted, so a closed tab does not poll or fetch.
 */
export function TriggersDialog({
  workflowId,
  open,
  onOpenChange,
}: {
  workflowId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [tab, setTab] = useState<TabId>("webhooks");
  const current = TABS.find((t) => t.id === tab)!;
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      size="2xl"
      hasCloseButton
      title="Triggers"
      description="Start this workflow from a webhook, on a schedule, or as a tool of the tenant's MCP endpoint."
      bodyClassName="flex flex-col overflow-hidden px-0 pb-0"
    >
      <div
        role="tablist"
        aria-label="Kinds of trigger"
        className="mx-6 flex gap-1 rounded-lg bg-muted p-1"
      >
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`trigger-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="trigger-tab-panel"
            onClick={() => setTab(t.id)}
            className={cn(
              "flex-1 rounded-md px-3 py-1.5 text-sm",
              tab === t.id
                ? "bg-card font-medium shadow-sm"
                : "text-muted-foreground hover:text-foreground",
            )}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id="trigger-tab-panel"
        aria-labelledby={`trigger-tab-${tab}`}
        className="min-h-0 flex-1 overflow-y-auto p-6 pt-4"
      >
        <current.Tab workflowId={workflowId} />
      </div>
    </Dialog>
  );
}
