"use client";

import { useState, type FormEvent, type ReactNode } from "react";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";

export interface WorkflowFormValues {
  name: string;
  description: string;
  /** A template's slug (new workflows only). */
  template?: string;
}

/** Field errors from the server: zod's flattened errors, or a CONFLICT on the name. */
export function fieldErrorsOf(
  error: unknown,
): Partial<Record<keyof WorkflowFormValues | "form", string>> {
  const data = (
    error as {
      data?: { zodError?: { fieldErrors?: Record<string, string[]> }; code?: string };
    } | null
  )?.data;
  const fields = data?.zodError?.fieldErrors ?? {};
  if (data?.code === "CONFLICT") return { name: (error as Error).message };
  const result = { name: fields.name?.[0], description: fields.description?.[0] };
  return result.name || result.description ? result : { form: (error as Error | null)?.message };
}

export function WorkflowFormDialog({
  title,
  submitLabel,
  initial,
  trigger,
  open,
  onOpenChange,
  onSubmit,
  isPending,
  error,
  templates,
  onDescribeTask,
}: {
  title: string;
  submitLabel: string;
  initial?: WorkflowFormValues;
  trigger?: ReactNode;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSubmit: (values: WorkflowFormValues) => void;
  isPending: boolean;
  error: unknown;
  /** Offered when creating: start blank or from one of these. */
  templates?: { slug: string; name: string; nodeCount: number }[];
  /** Offered when creating: let the planner propose the workflow from a task instead. */
  onDescribeTask?: () => void;
}) {
  const [clientError, setClientError] = useState<string | null>(null);
  const errors = error ? fieldErrorsOf(error) : {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const template = String(form.get("template") ?? "");
    const values = {
      name: String(form.get("name") ?? "").trim(),
      description: String(form.get("description") ?? "").trim(),
      ...(template ? { template } : {}),
    };
    if (!values.name) return setClientError("Give the workflow a name");
    setClientError(null);
    onSubmit(values);
  }
  const nameError = clientError ?? errors.name;

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={trigger}
      size="sm"
      title={title}
      description="You can change the name and description later."
    >
      {onDescribeTask ? (
        <p className="mb-4 rounded-md border border-dashed p-2 text-sm text-muted-foreground">
          Rather say what it should do?{" "}
          <button
            type="button"
            className="font-medium text-foreground underline underline-offset-2"
            onClick={onDescribeTask}
          >
            Describe a task…
          </button>
        </p>
      ) : null}
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" htmlFor="workflow-name" error={nameError}>
          <Input
            id="workflow-name"
            name="name"
            defaultValue={initial?.name}
            maxLength={120}
            aria-invalid={Boolean(nameError)}
            autoFocus
          />
        </Field>
        <Field label="Description" htmlFor="workflow-description" error={errors.description}>
          <Input
            id="workflow-description"
            name="description"
            defaultValue={initial?.description}
            maxLength={2000}
          />
        </Field>
        {templates ? (
          <Field label="Start from" htmlFor="workflow-template">
            <select
              id="workflow-template"
              name="template"
              className="h-10 w-full rounded-md border bg-card px-3 text-sm"
              defaultValue=""
            >
              <option value="">A blank canvas</option>
              {templates.map((t) => (
                <option key={t.slug} value={t.slug}>
                  {t.name} ({t.nodeCount} nodes)
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <FormError>{errors.form}</FormError>
        <DialogActions submitLabel={submitLabel} isPending={isPending} />
      </form>
    </Dialog>
  );
}
