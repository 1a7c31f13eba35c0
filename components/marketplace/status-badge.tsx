import { cn } from "@/components/ui/cn";

const styles: Record<string, string> = {
  up: "border-emerald-600/40 bg-emerald-600/10 text-emerald-700 dark:text-emerald-400",
  degraded: "border-amber-600/40 bg-amber-500/10 text-amber-700 dark:text-amber-400",
  down: "border-danger/40 bg-danger/10 text-danger",
  unknown: "bg-muted text-muted-foreground",
};

const labels: Record<string, string> = {
  up: "Up",
  degraded: "Degraded",
  down: "Down",
  unknown: "Not checked",
};

/** A server's health as a small pill: up, degraded, down, or not checked yet. */
export function StatusBadge({
  status,
  className,
}: {
  status: string | null | undefined;
  className?: string;
}) {
  const key = status ?? "unknown";
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-full border px-2 py-0.5 text-xs font-medium",
        styles[key] ?? styles.unknown,
        className,
      )}
    >
      {labels[key] ?? key}
    </span>
  );
}
