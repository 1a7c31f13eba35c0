import { cn } from "@/components/ui/cn";
import { STATUS_STYLES, type RunStatus, type StepStatus } from "@/components/shared/run-format";

export function StatusBadge({
  status,
  className,
}: {
  status: RunStatus | StepStatus;
  className?: string;
}) {
  return (
    <span
      className={cn(
        "inline-flex h-6 items-center rounded-full px-2 text-xs font-medium capitalize",
        STATUS_STYLES[status].badge,
        className,
      )}
      data-status={status}
    >
      {status}
    </span>
  );
}
