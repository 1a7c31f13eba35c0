"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FlaskConical } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog-actions";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, Spinner } from "@/components/ui/states";

const DRAFT = "draft";
const LATEST = "";
const selectClass = "h-10 w-full rounded-md border bg-card px-3 text-sm aria-invalid:border-danger";

/**
 * "Run evaluation": picks the dataset (unless the page names one), its version, the workflow
 * version (a published one, or the draft) and the concurrency, starts the evaluation and opens
 * its page.
 */
export function StartEvaluationDialog({
  workflowId,
  datasetId,
}: {
  workflowId: string;
  datasetId?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button>
          <FlaskConical className="size-4" aria-hidden />
          Run evaluation
        </Button>
      }
      size="md"
      title="Run an evaluation"
      description="Runs every item of the dataset version against the workflow version and scores it with the dataset's evaluators."
    >
      {open ? <StartEvaluationForm workflowId={workflowId} datasetId={datasetId} /> : null}
    </Dialog>
  );
}

function StartEvaluationForm({
  workflowId,
  datasetId: fixedDatasetId,
}: {
  workflowId: string;
  datasetId?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const datasets = useQuery({
    ...trpc.dataset.list.queryOptions({ workflowId }),
    enabled: !fixedDatasetId,
  });
  const [pickedDataset, setPickedDataset] = useState<string>("");
  const datasetId = fixedDatasetId ?? (pickedDataset || datasets.data?.[0]?.id || "");
  const dataset = useQuery({
    ...trpc.dataset.get.queryOptions({ datasetId }),
    enabled: Boolean(datasetId),
  });
  const versions = useQuery(trpc.workflow.versions.queryOptions({ workflowId, limit: 100 }));
  const [datasetVersion, setDatasetVersion] = useState<string>(LATEST);
  const [pickedWorkflowVersion, setWorkflowVersion] = useState<string>(LATEST);
  const [concurrency, setConcurrency] = useState("4");
  const start = useMutation(
    trpc.evaluation.start.mutationOptions({
      onSuccess: (evaluation) => {
        toast.success("Evaluation started");
        void queryClient.invalidateQueries({ queryKey: trpc.evaluation.list.queryKey() });
        router.push(`/evaluations/${evaluation.id}`);
      },
    }),
  );
  const errors = fieldErrorsOf(start.error, [
    "datasetId",
    "datasetVersion",
    "workflowVersionId",
    "draft",
    "concurrency",
  ] as const);
  const published = versions.data?.items ?? [];
  // A workflow never published can only evaluate its draft.
  const workflowVersion =
    pickedWorkflowVersion === LATEST && versions.data && published.length === 0
      ? DRAFT
      : pickedWorkflowVersion;
  const concurrencyValue = Number(concurrency);
  const concurrencyError =
    Number.isInteger(concurrencyValue) && concurrencyValue >= 1 && concurrencyValue <= 16
      ? undefined
      : "Between 1 and 16 runs at once";

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!datasetId || concurrencyError) return;
    start.mutate({
      datasetId,
      ...(datasetVersion === LATEST ? {} : { datasetVersion: Number(datasetVersion) }),
      ...(workflowVersion === DRAFT
        ? { draft: true }
        : workflowVersion === LATEST
          ? {}
          : { workflowVersionId: workflowVersion }),
      concurrency: concurrencyValue,
    });
  }

  if (!fixedDatasetId && datasets.isError)
    return <ErrorState message={datasets.error.message} onRetry={() => void datasets.refetch()} />;
  if (!fixedDatasetId && datasets.isPending) return <Spinner />;
  if (!fixedDatasetId && datasets.data?.length === 0) {
    return (
      <p className="text-sm text-muted-foreground">
        This workflow has no datasets yet. Add a finished run to a dataset from its run page, or
        create one on the Datasets page.
      </p>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {fixedDatasetId ? null : (
        <Field label="Dataset" htmlFor="evaluation-dataset" error={errors.datasetId}>
          <select
            id="evaluation-dataset"
            className={selectClass}
            value={datasetId}
            onChange={(e) => {
              setPickedDataset(e.target.value);
              setDatasetVersion(LATEST);
            }}
          >
            {datasets.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field
        label="Dataset version"
        htmlFor="evaluation-dataset-version"
        error={errors.datasetVersion}
      >
        {dataset.isError ? (
          <ErrorState message={dataset.error.message} onRetry={() => void dataset.refetch()} />
        ) : (
          <select
            id="evaluation-dataset-version"
            className={selectClass}
            value={datasetVersion}
            disabled={!dataset.data}
            aria-invalid={Boolean(errors.datasetVersion)}
            onChange={(e) => setDatasetVersion(e.target.value)}
          >
            <option value={LATEST}>
              Newest
              {dataset.data
                ? ` (v${dataset.data.versions[0]?.version ?? 1}, ${dataset.data.versions[0]?.itemCount ?? 0} items)`
                : ""}
            </option>
            {dataset.data?.versions.map((v) => (
              <option key={v.id} value={String(v.version)}>
                v{v.version} · {v.itemCount} item{v.itemCount === 1 ? "" : "s"}
              </option>
            ))}
          </select>
        )}
      </Field>
      {dataset.data && !dataset.data.dataset.evaluators.length ? (
        <FormError>
          The dataset has no evaluators yet: add at least one on the dataset page before evaluating.
        </FormError>
      ) : null}
      <Field
        label="Workflow version"
        htmlFor="evaluation-workflow-version"
        error={errors.workflowVersionId ?? errors.draft}
      >
        <select
          id="evaluation-workflow-version"
          className={selectClass}
          value={workflowVersion}
          aria-invalid={Boolean(errors.workflowVersionId ?? errors.draft)}
          onChange={(e) => setWorkflowVersion(e.target.value)}
        >
          {published.length || !versions.data ? (
            <option value={LATEST}>
              Latest published{published[0] ? ` (v${published[0].version})` : ""}
            </option>
          ) : null}
          {published.map((v) => (
            <option key={v.id} value={v.id}>
              v{v.version}
              {v.note ? ` · ${v.note}` : ""}
            </option>
          ))}
          <option value={DRAFT}>Draft (unpublished changes)</option>
        </select>
      </Field>
      <Field
        label="Runs at once"
        htmlFor="evaluation-concurrency"
        error={concurrencyError ?? errors.concurrency}
      >
        <Input
          id="evaluation-concurrency"
          type="number"
          min={1}
          max={16}
          value={concurrency}
          aria-invalid={Boolean(concurrencyError ?? errors.concurrency)}
          onChange={(e) => setConcurrency(e.target.value)}
        />
      </Field>
      <FormError>{errors.form}</FormError>
      <DialogActions submitLabel="Start evaluation" isPending={start.isPending} />
    </form>
  );
}
