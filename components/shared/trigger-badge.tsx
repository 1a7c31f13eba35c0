import {
  CalendarClock,
  ClipboardCheck,
  FlaskConical,
  Hand,
  KeyRound,
  Plug,
  RotateCcw,
  Webhook,
  type LucideIcon,
} from "lucide-react";
import { cn } from "@/components/ui/cn";
import { TRIGGER_LABELS, type RunTrigger } from "@/components/shared/run-format";

export const TRIGGER_ICONS: Record<RunTrigger, LucideIcon> = {
  manual: Hand,
  api: KeyRound,
  webhook: Webhook,
  schedule: CalendarClock,
  mcp: Plug,
  retry: RotateCcw,
  experiment: FlaskConical,
  evaluation: ClipboardCheck,
};

/** Where a run came from: an icon and its name ("Schedule", "Webhook", …). */
export function TriggerBadge({ trigger, className }: { trigger: RunTrigger; className?: string }) {
  const Icon = TRIGGER_ICONS[trigger];
  return (
    <span
      className={cn("inline-flex items-center gap-1 text-xs text-muted-foreground", className)}
      data-trigger={trigger}
    >
      <Icon className="size-3.5 shrink-0" aria-hidden />
      {TRIGGER_LABELS[trigger]}
    </span>
  );
}
