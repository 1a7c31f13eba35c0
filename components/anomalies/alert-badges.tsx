import { cn } from "@/components/ui/cn";
import type { AlertSeverity, AlertStatus } from "./types";

const SEVERITY_STYLES: Record<AlertSeverity, string> = {
  critical: "bg-danger text-white",
  warning: "bg-amber-500/15 text-amber-700 dark:text-amber-400",
};

const STATUS_STYLES: Record<AlertStatus, string> = {
  open: "border border-danger/40 text-danger",
  acknowledged: "border border-amber-600/40 text-amber-700 dark:text-amber-400",
  resolved: "border border-emerald-600/40 text-emerald-700 dark:text-emerald-400",
};

const badge = "inline-flex h-6 items-center rounded-full px-2 text-xs font-medium capitalize";

export function SeverityBadge({
  severity,
  className,
}: {
  severity: AlertSeverity;
  className?: string;
}) {
  return (
    <span className={cn(badge, SEVERITY_STYLES[severity], className)} data-severity={severity}>
      {severity}
    </span>
  );
}

export function AlertStatusBadge({
  status,
  className,
}: {
  status: AlertStatus;
  className?: string;
}) {
  return (
    <span className={cn(badge, STATUS_STYLES[status], className)} data-status={status}>
      {status}
    </span>
  );
}
