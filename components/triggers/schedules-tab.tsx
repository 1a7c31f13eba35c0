"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { CalendarClock, Pause, Pencil, Play, Plus, Trash2 } from "lucide-react";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input, Label } from "@/components/ui/input";
import { EmptyState, ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";

type ScheduleItem = inferRouterOutputs<AppRouter>["schedule"]["list"]["schedules"][number];
type Misfire = ScheduleItem["misfire"];

const SELECT = "h-10 w-full rounded-md border bg-card px-3 text-sm aria-invalid:border-danger";
const FIELDS = ["name", "cron", "timezone", "input", "misfire"] as const;

const PRESETS = [
  { label: "Every weekday at 9:00", cron: "0 9 * * 1-5" },
  { label: "Every day at 9:00", cron: "0 9 * * *" },
  { label: "Every Monday at 8:00", cron: "0 8 * * 1" },
  { label: "Every hour", cron: "0 * * * *" },
  { label: "Every 15 minutes", cron: "*/15 * * * *" },
  { label: "On the 1st of every month at 00:00", cron: "0 0 1 * *" },
];

const MISFIRE_CHOICES: { value: Misfire; label: string; hint: string }[] = [
  { value: "skip", label: "Skip missed fires", hint: "After downtime, wait for the next time." },
  {
    value: "run-once",
    label: "Run once to catch up",
    hint: "After downtime, run once for all the fires missed.",
  },
];

function browserTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

function timezones(): string[] {
  const known =
    typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return [...new Set(["UTC", browserTimezone(), ...known])].sort();
}

/** A fire time as the schedule's time zone sees it (the zone the expression is written in). */
function formatFire(date: Date, timezone: string): string {
  const options: Intl.DateTimeFormatOptions = {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: timezone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(undefined, options).format(date);
  }
}

/** `value`, once it has stopped changing for `ms`: the preview asks the server after typing pauses. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** Triggers → Schedules: a workflow's cron schedules, each running its latest published version. */
export function SchedulesTab({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const me = useMe();
  const canEdit = me.can("trigger.manage");
  const list = useQuery(trpc.schedule.list.queryOptions({ workflowId }));
  const [editing, setEditing] = useState<ScheduleItem | "new" | null>(null);

  if (list.isPending) return <SkeletonRows rows={2} />;
  if (list.isError)
    return <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />;
  const { schedules, publishedVersion } = list.data;

  return (
    <section aria-label="Schedules" className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <p className="max-w-prose text-sm text-muted-foreground">
          {publishedVersion === null
            ? "Schedules run the latest published version: publish this workflow first, then add a schedule."
            : `Schedules run the latest published version (now v${publishedVersion}) with the input you give, as the member who made them.`}
        </p>
        {canEdit && publishedVersion !== null && editing === null ? (
          <Button size="sm" onClick={() => setEditing("new")}>
            <Plus className="size-4" aria-hidden />
            Add schedule
          </Button>
        ) : null}
      </div>
      {editing ? (
        <ScheduleForm
          key={editing === "new" ? "new" : editing.id}
          workflowId={workflowId}
          schedule={editing === "new" ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
      {schedules.length === 0 && !editing ? (
        <EmptyState icon={CalendarClock} title="No schedules yet">
          <p className="max-w-sm text-sm text-muted-foreground">
            Run this workflow by the clock, such as every weekday at 9:00 in your time zone.
          </p>
        </EmptyState>
      ) : (
        <ul className="space-y-2">
          {schedules.map((schedule) => (
            <ScheduleCard
              key={schedule.id}
              schedule={schedule}
              canEdit={canEdit}
              onEdit={() => setEditing(schedule)}
              isEditing={editing !== "new" && editing?.id === schedule.id}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ScheduleCard({
  schedule,
  canEdit,
  onEdit,
  isEditing,
}: {
  schedule: ScheduleItem;
  canEdit: boolean;
  onEdit: () => void;
  isEditing: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [isConfirmingDelete, setConfirmingDelete] = useState(false);
  const refresh = () =>
    void queryClient.invalidateQueries({
      queryKey: trpc.schedule.list.queryKey({ workflowId: schedule.workflowId }),
    });
  const setEnabled = useMutation(
    trpc.schedule.setEnabled.mutationOptions({
      onSuccess: (saved) => {
        toast.success(saved.isEnabled ? "Schedule resumed" : "Schedule paused");
        refresh();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const remove = useMutation(
    trpc.schedule.delete.mutationOptions({
      onSuccess: () => {
        toast.success("Schedule deleted");
        refresh();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const title = schedule.name || schedule.description || schedule.cron;

  return (
    <li
      className={cn("rounded-lg border p-3", isEditing && "border-ring")}
      aria-label={`Schedule ${title}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-0">
          <div className="flex items-center gap-2">
            <span className="font-medium">{title}</span>
            <span
              className={cn(
                "rounded-full border px-2 py-0.5 text-xs font-medium",
                schedule.isEnabled
                  ? "border-emerald-600/40 bg-emerald-600/10 text-emerald-700 dark:text-emerald-400"
                  : "bg-muted text-muted-foreground",
              )}
            >
              {schedule.isEnabled ? "Active" : "Paused"}
            </span>
          </div>
          <p className="text-sm text-muted-foreground">
            <code className="rounded bg-muted px-1 font-mono text-xs">{schedule.cron}</code> in{" "}
            {schedule.timezone}
            {schedule.name && schedule.description ? ` · ${schedule.description}` : ""} ·{" "}
            {schedule.misfire === "skip" ? "skips missed fires" : "runs once after downtime"}
          </p>
        </div>
        {canEdit ? (
          <div className="flex gap-1">
            <Button
              variant="ghost"
              size="sm"
              onClick={onEdit}
              aria-label={`Edit schedule ${title}`}
            >
              <Pencil className="size-4" aria-hidden />
            </Button>
            <Button
              variant="ghost"
              size="sm"
              disabled={setEnabled.isPending}
              onClick={() => setEnabled.mutate({ id: schedule.id, isEnabled: !schedule.isEnabled })}
              aria-label={`${schedule.isEnabled ? "Pause" : "Resume"} schedule ${title}`}
            >
              {schedule.isEnabled ? (
                <Pause className="size-4" aria-hidden />
              ) : (
                <Play className="size-4" aria-hidden />
              )}
            </Button>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => setConfirmingDelete(true)}
              aria-label={`Delete schedule ${title}`}
            >
              <Trash2 className="size-4" aria-hidden />
            </Button>
          </div>
        ) : null}
      </div>
      <div className="mt-2 grid gap-2 text-sm sm:grid-cols-2">
        <div>
          <span className="text-muted-foreground">
            {schedule.isEnabled ? "Next fires" : "Would fire next"}
          </span>
          <FireTimes times={schedule.upcoming} timezone={schedule.timezone} />
        </div>
        <div>
          <span className="text-muted-foreground">Last fired</span>
          <p>
            {schedule.lastFiredAt ? formatFire(schedule.lastFiredAt, schedule.timezone) : "Not yet"}
          </p>
          {schedule.canCreatorRun ? (
            <p className="text-xs text-muted-foreground">Runs as {schedule.createdByName}</p>
          ) : (
            <p className="text-xs text-danger">
              {schedule.createdByName ?? "Its creator"} may no longer run workflows here: its fires
              are refused. Delete it and add it again.
            </p>
          )}
        </div>
      </div>
      {schedule.lastError ? (
        <p
          role="status"
          className="mt-2 rounded-md border border-danger/40 bg-danger/5 p-2 text-sm"
        >
          <span className="font-medium text-danger">
            The fire of{" "}
            {schedule.lastErrorAt ? formatFire(schedule.lastErrorAt, schedule.timezone) : "late"}{" "}
            started no run:
          </span>{" "}
          {schedule.lastError}
        </p>
      ) : null}
      {isConfirmingDelete ? (
        <div
          role="alertdialog"
          aria-label="Delete this schedule?"
          className="mt-3 flex flex-wrap items-center justify-between gap-2 rounded-md border border-danger/40 bg-danger/5 p-2 text-sm"
        >
          <span>Delete this schedule? Its runs stay.</span>
          <span className="flex gap-2">
            <Button variant="secondary" size="sm" onClick={() => setConfirmingDelete(false)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              size="sm"
              disabled={remove.isPending}
              onClick={() => remove.mutate({ id: schedule.id })}
            >
              {remove.isPending ? <Spinner /> : null}
              Delete
            </Button>
          </span>
        </div>
      ) : null}
    </li>
  );
}

function FireTimes({ times, timezone }: { times: Date[]; timezone: string }) {
  if (times.length === 0) return <p>Never</p>;
  return (
    <ol className="tabular-nums">
      {times.map((time) => (
        <li key={time.toISOString()}>{formatFire(time, timezone)}</li>
      ))}
    </ol>
  );
}

function ScheduleForm({
  workflowId,
  schedule,
  onDone,
}: {
  workflowId: string;
  schedule: ScheduleItem | null;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const zones = useMemo(() => timezones(), []);
  const [name, setName] = useState(schedule?.name ?? "");
  const [cron, setCron] = useState(schedule?.cron ?? PRESETS[0]!.cron);
  const [timezone, setTimezone] = useState(schedule?.timezone ?? browserTimezone());
  const [inputText, setInputText] = useState(JSON.stringify(schedule?.input ?? {}, null, 2));
  const [misfire, setMisfire] = useState<Misfire>(schedule?.misfire ?? "skip");
  const [inputError, setInputError] = useState<string>();

  const settled = useDebounced({ cron: cron.trim(), timezone }, 350);
  const preview = useQuery({
    ...trpc.schedule.preview.queryOptions(settled),
    enabled: settled.cron.length > 0,
    retry: false,
  });
  const previewErrors = fieldErrorsOf(preview.error, ["cron", "timezone"] as const);

  const onSuccess = () => {
    toast.success(schedule ? "Schedule saved" : "Schedule added");
    void queryClient.invalidateQueries({ queryKey: trpc.schedule.list.queryKey({ workflowId }) });
    onDone();
  };
  const create = useMutation(trpc.schedule.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.schedule.update.mutationOptions({ onSuccess }));
  const save = schedule ? update : create;
  const errors = {
    ...fieldErrorsOf(save.error, FIELDS),
    ...(inputError ? { input: inputError } : {}),
  };

  /** A new expression or zone: the live preview judges it now, not the last save's error. */
  function changeTiming(set: (value: string) => void, value: string) {
    set(value);
    save.reset();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    let input: unknown;
    try {
      input = inputText.trim() ? JSON.parse(inputText) : {};
    } catch (error) {
      setInputError(`Not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    setInputError(undefined);
    const values = { name, cron, timezone, input, misfire };
    if (schedule) update.mutate({ id: schedule.id, ...values });
    else create.mutate({ workflowId, ...values });
  }

  const preset = PRESETS.find((p) => p.cron === cron.trim())?.cron ?? "";
  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-4 rounded-lg border bg-muted/30 p-4"
      aria-label={schedule ? "Edit schedule" : "New schedule"}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name (optional)" htmlFor="schedule-name" error={errors.name}>
          <Input
            id="schedule-name"
            value={name}
            maxLength={120}
            placeholder="e.g. Morning report"
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <div className="space-y-1.5">
          <Label htmlFor="schedule-preset">Preset</Label>
          <select
            id="schedule-preset"
            className={SELECT}
            value={preset}
            onChange={(e) => e.target.value && changeTiming(setCron, e.target.value)}
          >
            <option value="">Custom expression</option>
            {PRESETS.map((p) => (
              <option key={p.cron} value={p.cron}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <Field
          label="Cron expression (minute hour day month weekday)"
          htmlFor="schedule-cron"
          error={errors.cron ?? previewErrors.cron}
        >
          <Input
            id="schedule-cron"
            className="font-mono"
            value={cron}
            maxLength={120}
            aria-invalid={Boolean(errors.cron ?? previewErrors.cron)}
            onChange={(e) => changeTiming(setCron, e.target.value)}
          />
        </Field>
        <Field
          label="Time zone"
          htmlFor="schedule-timezone"
          error={errors.timezone ?? previewErrors.timezone}
        >
          <select
            id="schedule-timezone"
            className={SELECT}
            value={timezone}
            aria-invalid={Boolean(errors.timezone)}
            onChange={(e) => changeTiming(setTimezone, e.target.value)}
          >
            {(zones.includes(timezone) ? zones : [timezone, ...zones]).map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div aria-live="polite" className="rounded-md border bg-card p-3 text-sm">
        <p className="font-medium">
          {preview.data?.description ?? "Next fire times"}
          {preview.isFetching ? (
            <Spinner className="ml-2 inline size-3" label="Updating the preview" />
          ) : null}
        </p>
        {preview.data && !preview.isError ? (
          <FireTimes times={preview.data.fireTimes} timezone={preview.data.timezone} />
        ) : (
          <p className="text-muted-foreground">
            {preview.isError
              ? "Fix the expression to see when it fires."
              : "Write an expression to see when it fires."}
          </p>
        )}
      </div>
      <Field
        label="Input (JSON, checked against the published version)"
        htmlFor="schedule-input"
        error={errors.input}
      >
        <textarea
          id="schedule-input"
          rows={4}
          value={inputText}
          onChange={(e) => setInputText(e.target.value)}
          aria-invalid={Boolean(errors.input)}
          className="w-full rounded-md border bg-card px-3 py-2 font-mono text-sm aria-invalid:border-danger"
        />
      </Field>
      <fieldset className="space-y-1.5">
        <legend className="text-sm font-medium">After downtime</legend>
        {MISFIRE_CHOICES.map((choice) => (
          <label key={choice.value} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="misfire"
              value={choice.value}
              checked={misfire === choice.value}
              onChange={() => setMisfire(choice.value)}
              className="mt-1"
            />
            <span>
              {choice.label}
              <span className="block text-xs text-muted-foreground">{choice.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormError>{errors.form}</FormError>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? <Spinner /> : null}
          {schedule ? "Save schedule" : "Add schedule"}
        </Button>
      </div>
    </form>
  );
}
