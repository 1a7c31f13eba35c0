import { cn } from "@/components/ui/cn";
import { formatDuration } from "@/components/shared/run-format";
import type { StepView } from "./ordered-steps";
import { StatusBadge } from "@/components/shared/status-badge";

export function StepList({
  steps,
  selected,
  onSelect,
}: {
  steps: StepView[];
  selected: string | null;
  onSelect: (stepId: string) => void;
}) {
  return (
    <ul aria-label="Steps" className="divide-y rounded-xl border bg-card">
      {steps.map((step) => (
        <li key={step.stepId}>
          <button
            type="button"
            aria-pressed={selected === step.stepId}
            onClick={() => onSelect(step.stepId)}
            className={cn(
              "flex w-full items-center gap-3 px-3 py-2 text-left text-sm hover:bg-muted",
              selected === step.stepId && "bg-muted",
            )}
          >
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium">{step.label}</span>
              <span className="block truncate text-xs text-muted-foreground">
                {step.kind ?? "step"}
                {step.parentStepId ? ` · from ${step.parentStepId}` : ""}
              </span>
            </span>
            <span className="w-16 text-right text-xs tabular-nums text-muted-foreground">
              {step.startedAt != null && step.finishedAt != null
                ? formatDuration(step.finishedAt - step.startedAt)
                : ""}
            </span>
            <StatusBadge status={step.status} />
          </button>
        </li>
      ))}
    </ul>
  );
}
