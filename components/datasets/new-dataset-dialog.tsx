"use client";

import { useMutation } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DialogActions } from "@/components/ui/dialog-actions";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input } from "@/components/ui/input";

/** "New dataset": a name (unique in the workflow) and a description; opens the new dataset. */
export function NewDatasetDialog({
  workflowId,
  onCreated,
}: {
  workflowId: string;
  onCreated: (datasetId: string) => void;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [clientError, setClientError] = useState<string | null>(null);
  const create = useMutation(
    trpc.dataset.create.mutationOptions({ onSuccess: (dataset) => onCreated(dataset.id) }),
  );
  const errors = fieldErrorsOf(create.error, ["name", "description"] as const);
  const nameError = clientError ?? errors.name;

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) {
      create.reset();
      setClientError(null);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name") ?? "").trim();
    const description = String(form.get("description") ?? "").trim();
    if (!name) return setClientError("Name the dataset");
    setClientError(null);
    create.mutate({ workflowId, name, ...(description ? { description } : {}) });
  }

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <Button>
          <Plus className="size-4" aria-hidden /> New dataset
        </Button>
      }
      size="sm"
      title="New dataset"
      description="Then add items by hand, import a CSV or JSONL file, or add finished runs from their run page."
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" htmlFor="dataset-name" error={nameError}>
          <Input
            id="dataset-name"
            name="name"
            maxLength={100}
            placeholder="e.g. Onboarding questions"
            aria-invalid={Boolean(nameError)}
            autoFocus
          />
        </Field>
        <Field label="Description" htmlFor="dataset-description" error={errors.description}>
          <Input
            id="dataset-description"
            name="description"
            maxLength={2000}
            placeholder="What these items test (optional)"
          />
        </Field>
        <FormError>{errors.form}</FormError>
        <DialogActions submitLabel="Create dataset" isPending={create.isPending} />
      </form>
    </Dialog>
  );
}
