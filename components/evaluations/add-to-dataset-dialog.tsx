"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { DatabasePlus } from "lucide-react";
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
import { parseTags } from "./format";

const NEW = "__new__";

/**
 * "Add to dataset" for a finished run: its input becomes an item of one of the workflow's datasets
 * (or a new one), with its output as the reference when asked, and tags.
 */
export function AddToDatasetDialog({
  runId,
  workflowId,
  isCompleted,
}: {
  runId: string;
  workflowId: string;
  isCompleted: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="secondary">
          <DatabasePlus className="size-4" aria-hidden />
          Add to dataset
        </Button>
      }
      size="sm"
      title="Add this run to a dataset"
      description="The run's input becomes a new item (a new version of the dataset); evaluations then run it against other versions of the workflow."
    >
      {open ? (
        <AddToDatasetForm
          runId={runId}
          workflowId={workflowId}
          isCompleted={isCompleted}
          onDone={() => setOpen(false)}
        />
      ) : null}
    </Dialog>
  );
}

function AddToDatasetForm({
  runId,
  workflowId,
  isCompleted,
  onDone,
}: {
  runId: string;
  workflowId: string;
  isCompleted: boolean;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const datasets = useQuery(trpc.dataset.list.queryOptions({ workflowId }));
  const [picked, setPicked] = useState<string | null>(null);
  const choice = picked ?? datasets.data?.[0]?.id ?? NEW;
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | undefined>();
  const [withOutput, setWithOutput] = useState(isCompleted);
  const [tags, setTags] = useState("");
  const create = useMutation(trpc.dataset.create.mutationOptions());
  const addRun = useMutation(trpc.dataset.addRun.mutationOptions());
  const isPending = create.isPending || addRun.isPending;
  const errors = {
    ...fieldErrorsOf(create.error, ["name"] as const),
    ...fieldErrorsOf(addRun.error, ["withOutput", "tags", "runId"] as const),
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (choice === NEW && !name.trim()) {
      setNameError("Name the new dataset");
      return;
    }
    setNameError(undefined);
    create.reset();
    addRun.reset();
    try {
      const dataset =
        choice === NEW
          ? await create.mutateAsync({ workflowId, name: name.trim() })
          : datasets.data!.find((d) => d.id === choice)!;
      const added = await addRun.mutateAsync({
        datasetId: dataset.id,
        runId,
        withOutput: isCompleted && withOutput,
        tags: parseTags(tags),
      });
      void queryClient.invalidateQueries({ queryKey: trpc.dataset.list.queryKey({ workflowId }) });
      const href = `/workflows/${workflowId}/datasets/${dataset.id}`;
      toast.success(`Added to “${dataset.name}” (version ${added.version.version})`, {
        action: { label: "Open dataset", onClick: () => router.push(href) },
        duration: 10_000,
      });
      onDone();
    } catch {
      // Shown beside the fields from the mutations' errors.
    }
  }

  if (datasets.isPending) return <Spinner />;
  if (datasets.isError)
    return <ErrorState message={datasets.error.message} onRetry={() => void datasets.refetch()} />;

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
      <Field label="Dataset" htmlFor="add-run-dataset">
        <select
          id="add-run-dataset"
          className="h-10 w-full rounded-md border bg-card px-3 text-sm"
          value={choice}
          onChange={(e) => setPicked(e.target.value)}
        >
          {datasets.data.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
          <option value={NEW}>New dataset…</option>
        </select>
      </Field>
      {choice === NEW ? (
        <Field
          label="New dataset's name"
          htmlFor="add-run-dataset-name"
          error={nameError ?? errors.name}
        >
          <Input
            id="add-run-dataset-name"
            value={name}
            maxLength={100}
            placeholder="e.g. Onboarding cases"
            autoFocus
            aria-invalid={Boolean(nameError ?? errors.name)}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
      ) : null}
      <div className="space-y-1">
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={isCompleted && withOutput}
            disabled={!isCompleted}
            onChange={(e) => setWithOutput(e.target.checked)}
          />
          Keep the output as the reference
        </label>
        <p className="text-xs text-muted-foreground">
          {isCompleted
            ? "Evaluators that compare with a reference (exact match, contains, similarity) score later outputs against this one."
            : "Only a completed run has an output to keep."}
        </p>
        <FormError>{errors.withOutput}</FormError>
      </div>
      <Field label="Tags (comma-separated, optional)" htmlFor="add-run-tags" error={errors.tags}>
        <Input
          id="add-run-tags"
          value={tags}
          placeholder="e.g. onboarding, edge case"
          onChange={(e) => setTags(e.target.value)}
        />
      </Field>
      {errors.form || errors.runId ? <FormError>{errors.runId ?? errors.form}</FormError> : null}
      <DialogActions submitLabel="Add to dataset" isPending={isPending} />
    </form>
  );
}
