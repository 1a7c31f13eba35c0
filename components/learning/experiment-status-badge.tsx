import { cn } from "@/components/ui/cn";
import type { ExperimentStatus } from "./types";

const STYLES: Record<ExperimentStatus, string> = {
  running: "bg-primary/15 text-primary",
  completed: "bg-emerald-500/15 text-emerald-700 dark:text-emerald-400",
  stopped: "bg-muted text-muted-foreground",
};

export function ExperimentStatusBadge({
  status,
  className,
}: {
  status: ExperimentStatus;
  className?: string;
}) {
  return (
    <span
      className={cn(
        "inline-flex h-6 items-center rounded-full px-2 text-xs font-medium capitalize",
        STYLES[status],
        className,
      )}
      data-status={status}
    >
      {status}
    </span>
  );
}
