"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { EvaluatorListSchema } from "@/engine/evaluation";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { DialogActions } from "@/components/ui/dialog-actions";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, Spinner } from "@/components/ui/states";
import { ExperimentSettingsFields, type ExperimentSettings } from "./experiment-settings-fields";

const FIELDS = [
  "workflowId",
  "name",
  "versionA",
  "versionB",
  "split",
  "minPerArm",
  "maxTotal",
  "successMeasure",
] as const;
const SELECT =
  "h-10 w-full rounded-md border bg-card px-3 text-sm aria-invalid:border-danger disabled:opacity-50";

/**
 * Starts an A/B experiment: a workflow, two of its published versions, a name, and how runs are
 * split, what counts as success (run success, or an evaluator of one of the workflow's datasets),
 * and when the stop rule may decide. Opens the experiment's page once started.
 */
export function NewExperimentDialog({
  workflows,
  onClose,
}: {
  workflows: { id: string; name: string }[];
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [workflowId, setWorkflowId] = useState("");
  // Empty means "the suggestion": the previous version as A, the latest as B, a name from both.
  const [picked, setPicked] = useState({ versionA: "", versionB: "" });
  const [name, setName] = useState<string | null>(null);
  const [settings, setSettings] = useState<ExperimentSettings>({
    split: 0.5,
    assignment: "hash",
    minPerArm: "100",
    maxTotal: "4000",
  });
  const [clientErrors, setClientErrors] = useState<
    Partial<Record<(typeof FIELDS)[number], string>>
  >({});
  const versions = useQuery({
    ...trpc.workflow.versions.queryOptions({ workflowId, limit: 100 }),
    enabled: Boolean(workflowId),
  });
  // "" is run success; otherwise "<dataset id> <evaluator id>".
  const [measure, setMeasure] = useState("");
  const datasets = useQuery({
    ...trpc.dataset.list.queryOptions({ workflowId }),
    enabled: Boolean(workflowId),
  });
  const measures = (datasets.data ?? []).flatMap((dataset) => {
    const evaluators = EvaluatorListSchema.safeParse(dataset.evaluators);
    return evaluators.success ? [{ dataset, evaluators: evaluators.data }] : [];
  });
  const start = useMutation(
    trpc.learning.startExperiment.mutationOptions({
      onSuccess: (experiment) => {
        void queryClient.invalidateQueries({ queryKey: trpc.learning.experiments.queryKey() });
        toast.success(`Experiment “${experiment.name}” started`);
        router.push(`/learning/experiments/${experiment.id}`);
      },
    }),
  );

  const published = versions.data?.items ?? [];
  const versionA = picked.versionA || published[1]?.id || "";
  const versionB = picked.versionB || published[0]?.id || "";
  const numberOf = (id: string) => published.find((v) => v.id === id)?.version;
  const workflow = workflows.find((w) => w.id === workflowId);
  const suggestedName =
    workflow && numberOf(versionA) && numberOf(versionB)
      ? `${workflow.name}: v${numberOf(versionA)} vs v${numberOf(versionB)}`
      : "";
  const errors = { ...fieldErrorsOf(start.error, FIELDS), ...clientErrors };
  const hasTwoVersions = published.length >= 2;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    start.reset();
    const problems: typeof clientErrors = {};
    const chosenName = (name ?? suggestedName).trim();
    if (!workflowId) problems.workflowId = "Pick a workflow";
    else if (!versionA) problems.versionA = "Pick a published version";
    if (workflowId && !versionB) problems.versionB = "Pick a published version";
    else if (versionA && versionA === versionB) problems.versionB = "Pick two different versions";
    if (!chosenName) problems.name = "Name the experiment";
    const minPerArm = Number(settings.minPerArm);
    const maxTotal = Number(settings.maxTotal);
    if (!Number.isInteger(minPerArm) || minPerArm < 5)
      problems.minPerArm = "At least 5 runs per arm";
    if (!Number.isInteger(maxTotal) || maxTotal < 20) problems.maxTotal = "At least 20 runs";
    else if (Number.isInteger(minPerArm) && maxTotal < 2 * minPerArm)
      problems.maxTotal = `At least twice the minimum per arm (${2 * minPerArm})`;
    setClientErrors(problems);
    if (Object.keys(problems).length) return;
    const [datasetId, evaluatorId] = measure.split(" ");
    const successMeasure =
      datasetId && evaluatorId
        ? { kind: "evaluator" as const, datasetId, evaluatorId }
        : { kind: "run-success" as const };
    start.mutate({
      workflowId,
      name: chosenName,
      versionA,
      versionB,
      split: settings.split,
      assignment: settings.assignment,
      minPerArm,
      maxTotal,
      successMeasure,
    });
  }

  function pickWorkflow(id: string) {
    setWorkflowId(id);
    setPicked({ versionA: "", versionB: "" });
    setMeasure("");
    setName(null);
    setClientErrors({});
    start.reset();
  }

  const versionSelect = (field: "versionA" | "versionB", label: string) => (
    <Field label={label} htmlFor={`experiment-${field}`} error={errors[field]}>
      <select
        id={`experiment-${field}`}
        className={SELECT}
        value={field === "versionA" ? versionA : versionB}
        onChange={(e) => setPicked({ ...picked, [field]: e.target.value })}
        disabled={!hasTwoVersions}
        aria-invalid={Boolean(errors[field])}
        aria-describedby={errors[field] ? `experiment-${field}-error` : undefined}
      >
        {published.map((v) => (
          <option key={v.id} value={v.id}>
            v{v.version}
            {v.note ? ` · ${v.note}` : ""}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      size="lg"
      title="New experiment"
      description="Compares two published versions of a workflow. Runs that name no version (from the API or other callers) go to one of the two; runs of the draft from the editor stay out of it. The stop rule names a winner once it is sure enough."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Workflow" htmlFor="experiment-workflow" error={errors.workflowId}>
          <select
            id="experiment-workflow"
            className={SELECT}
            value={workflowId}
            onChange={(e) => pickWorkflow(e.target.value)}
            aria-invalid={Boolean(errors.workflowId)}
            aria-describedby={errors.workflowId ? "experiment-workflow-error" : undefined}
          >
            <option value="">Choose a workflow…</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </Field>
        {workflowId && versions.isPending ? (
          <p className="flex items-center gap-2 text-sm text-muted-foreground">
            <Spinner /> Loading its versions…
          </p>
        ) : versions.isError ? (
          <ErrorState message={versions.error.message} onRetry={() => void versions.refetch()} />
        ) : workflowId && !hasTwoVersions ? (
          <p
            role="alert"
            className="rounded-md border border-dashed p-3 text-sm text-muted-foreground"
          >
            This workflow has{" "}
            {published.length === 0 ? "no published version" : "one published version"}: an
            experiment needs two.{" "}
            <Link
              href={`/workflows/${workflowId}`}
              className="font-medium text-foreground underline underline-offset-2"
            >
              Publish it from the editor
            </Link>
            , change it, and publish again.
          </p>
        ) : null}
        <div className="grid gap-4 sm:grid-cols-2">
          {versionSelect("versionA", "Version A")}
          {versionSelect("versionB", "Version B")}
        </div>
        <Field label="Name" htmlFor="experiment-name" error={errors.name}>
          <Input
            id="experiment-name"
            value={name ?? suggestedName}
            onChange={(e) => setName(e.target.value)}
            maxLength={200}
            aria-invalid={Boolean(errors.name)}
            aria-describedby={errors.name ? "experiment-name-error" : undefined}
          />
        </Field>
        <Field label="Success measure" htmlFor="experiment-measure" error={errors.successMeasure}>
          <select
            id="experiment-measure"
            className={SELECT}
            value={measure}
            onChange={(e) => setMeasure(e.target.value)}
            disabled={!workflowId || datasets.isPending}
            aria-invalid={Boolean(errors.successMeasure)}
            aria-describedby="experiment-measure-hint"
          >
            <option value="">Run success (the run completes)</option>
            {measures.map(({ dataset, evaluators }) => (
              <optgroup key={dataset.id} label={`Dataset “${dataset.name}”`}>
                {evaluators.map((evaluator) => (
                  <option key={evaluator.id} value={`${dataset.id} ${evaluator.id}`}>
                    {evaluator.name ?? evaluator.id} ({evaluator.kind})
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Field>
        <p id="experiment-measure-hint" className="-mt-2 text-xs text-muted-foreground">
          {datasets.isError
            ? `The workflow's datasets could not be loaded: ${datasets.error.message}`
            : workflowId && !datasets.isPending && measures.length === 0
              ? "This workflow has no dataset with evaluators: each arm is measured by run success."
              : "With an evaluator, each run's output gets its score (0 to 1) instead of success or failure; an evaluator that compares with a reference scores only runs whose input matches a dataset item."}
        </p>
        <ExperimentSettingsFields
          value={settings}
          onChange={setSettings}
          errors={errors}
          armLabels={[
            numberOf(versionA) ? `v${numberOf(versionA)}` : "A",
            numberOf(versionB) ? `v${numberOf(versionB)}` : "B",
          ]}
        />
        <FormError>{errors.form}</FormError>
        <DialogActions submitLabel="Start experiment" isPending={start.isPending} />
      </form>
    </Dialog>
  );
}
