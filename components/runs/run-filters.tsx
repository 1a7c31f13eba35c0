"use client";

import { cn } from "@/components/ui/cn";
import {
  RUN_STATUSES,
  RUN_TRIGGERS,
  TRIGGER_LABELS,
  type RunStatus,
  type RunTrigger,
} from "@/components/shared/run-format";

export const TIME_PRESETS = [
  { id: "any", label: "Any time", ms: null },
  { id: "hour", label: "Last hour", ms: 3_600_000 },
  { id: "day", label: "Last 24 hours", ms: 86_400_000 },
  { id: "week", label: "Last 7 days", ms: 7 * 86_400_000 },
] as const;
export type TimePreset = (typeof TIME_PRESETS)[number]["id"];

export interface RunFilterValues {
  workflowId: string;
  statuses: RunStatus[];
  /** Empty: any trigger. */
  triggers: RunTrigger[];
  preset: TimePreset;
  /** Fixed when the preset is picked, so the query key stays put between renders. */
  since: Date | undefined;
  mine: boolean;
}

const selectClass = "h-9 rounded-md border bg-card px-2 text-sm";

export function RunFilters({
  value,
  onChange,
  workflows,
}: {
  value: RunFilterValues;
  onChange: (value: RunFilterValues) => void;
  workflows: { id: string; name: string }[];
}) {
  const toggle = (status: RunStatus) =>
    onChange({
      ...value,
      statuses: value.statuses.includes(status)
        ? value.statuses.filter((s) => s !== status)
        : [...value.statuses, status],
    });
  return (
    <div className="mb-4 flex flex-wrap items-center gap-3" role="group" aria-label="Filters">
      <select
        aria-label="Workflow"
        className={selectClass}
        value={value.workflowId}
        onChange={(e) => onChange({ ...value, workflowId: e.target.value })}
      >
        <option value="">All workflows</option>
        {workflows.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
      <select
        aria-label="Time range"
        className={selectClass}
        value={value.preset}
        onChange={(e) => {
          const preset = TIME_PRESETS.find((p) => p.id === e.target.value) ?? TIME_PRESETS[0];
          onChange({
            ...value,
            preset: preset.id,
            since: preset.ms ? new Date(Date.now() - preset.ms) : undefined,
          });
        }}
      >
        {TIME_PRESETS.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
      <select
        aria-label="Trigger"
        className={selectClass}
        value={value.triggers[0] ?? ""}
        onChange={(e) =>
          onChange({ ...value, triggers: e.target.value ? [e.target.value as RunTrigger] : [] })
        }
      >
        <option value="">Any trigger</option>
        {RUN_TRIGGERS.map((trigger) => (
          <option key={trigger} value={trigger}>
            {TRIGGER_LABELS[trigger]}
          </option>
        ))}
      </select>
      <div className="flex flex-wrap gap-1" role="group" aria-label="Status">
        {RUN_STATUSES.map((status) => (
          <button
            key={status}
            type="button"
            aria-pressed={value.statuses.includes(status)}
            onClick={() => toggle(status)}
            className={cn(
              "h-8 rounded-full border px-3 text-xs capitalize",
              value.statuses.includes(status)
                ? "border-primary bg-primary/10 text-primary"
                : "text-muted-foreground hover:bg-muted",
            )}
          >
            {status}
          </button>
        ))}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          className="size-4"
          checked={value.mine}
          onChange={(e) => onChange({ ...value, mine: e.target.checked })}
        />
        Started by me
      </label>
    </div>
  );
}
