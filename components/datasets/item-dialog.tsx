"use client";

import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Dialog } from "@/components/ui/dialog";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import {
  EMPTY_ITEM_FORM,
  formToItem,
  itemToForm,
  type ItemFormErrors,
  type ItemFormValues,
} from "./item-form";
import type { DatasetItemRow } from "./types";

const textareaClass =
  "w-full rounded-md border bg-card px-3 py-2 font-mono text-xs focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring aria-invalid:border-danger";

/**
 * Add an item by hand, or edit one (`item`): saving makes the dataset's next version, where an
 * edited item keeps its id and replaces the old one.
 */
export function ItemDialog({
  datasetId,
  item,
  open,
  onOpenChange,
  onSaved,
}: {
  datasetId: string;
  item: DatasetItemRow | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSaved: (version: number) => void;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      size="lg"
      title={item ? "Edit item" : "Add item"}
      description="Saving makes a new version of the dataset; earlier versions keep their items."
    >
      {open ? (
        <ItemForm key={item?.id ?? "new"} datasetId={datasetId} item={item} onSaved={onSaved} />
      ) : null}
    </Dialog>
  );
}

function ItemForm({
  datasetId,
  item,
  onSaved,
}: {
  datasetId: string;
  item: DatasetItemRow | null;
  onSaved: (version: number) => void;
}) {
  const trpc = useTRPC();
  const [values, setValues] = useState<ItemFormValues>(() =>
    item ? itemToForm(item) : EMPTY_ITEM_FORM,
  );
  const [errors, setErrors] = useState<ItemFormErrors>({});
  const save = useMutation(
    trpc.dataset.addItems.mutationOptions({
      onSuccess: ({ version }) => {
        toast.success(`${item ? "Item saved" : "Item added"}: version ${version.version}`);
        onSaved(version.version);
      },
    }),
  );
  const set = (change: Partial<ItemFormValues>) => setValues((old) => ({ ...old, ...change }));
  const serverError = save.error ? save.error.message : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = formToItem(values);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    save.mutate({ datasetId, items: [result.item] });
  }

  return (
    <form
      onSubmit={submit}
      className="space-y-4"
      noValidate
      aria-label={item ? "Edit item" : "Add item"}
      onKeyDown={(e) => {
        // Enter makes new lines in the JSON boxes; Ctrl+Enter (⌘+Enter) saves from anywhere in the form.
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          e.currentTarget.requestSubmit();
        }
      }}
    >
      {item ? (
        <p className="text-sm">
          Item <code className="rounded bg-muted px-1 font-mono text-xs">{item.id}</code>
        </p>
      ) : (
        <Field label="Id (optional)" htmlFor="item-id" error={errors.id}>
          <Input
            id="item-id"
            value={values.id}
            onChange={(e) => set({ id: e.target.value })}
            maxLength={128}
            placeholder="Given by the server when empty"
          />
        </Field>
      )}
      <Field label="Input (JSON object)" htmlFor="item-input" error={errors.input}>
        <textarea
          id="item-input"
          rows={6}
          spellCheck={false}
          className={textareaClass}
          value={values.input}
          onChange={(e) => set({ input: e.target.value })}
          aria-invalid={Boolean(errors.input)}
          aria-describedby="item-input-hint"
          autoFocus
        />
        <p id="item-input-hint" className="text-xs text-muted-foreground">
          The workflow&apos;s run input, e.g. {'{"name": "Ada"}'}. Ctrl+Enter saves.
        </p>
      </Field>
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Reference output</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(
            [
              ["none", "None"],
              ["text", "Text"],
              ["json", "JSON"],
            ] as const
          ).map(([kind, label]) => (
            <label key={kind} className="flex items-center gap-1.5">
              <input
                type="radio"
                name="reference-kind"
                checked={values.referenceKind === kind}
                onChange={() => set({ referenceKind: kind })}
              />
              {label}
            </label>
          ))}
        </div>
        {values.referenceKind === "none" ? (
          <p className="text-xs text-muted-foreground">
            Evaluators that compare with a reference (exact match, similarity) need one; latency and
            cost bounds do not.
          </p>
        ) : (
          <>
            <textarea
              aria-label="Reference"
              rows={4}
              spellCheck={false}
              className={textareaClass}
              value={values.reference}
              onChange={(e) => set({ reference: e.target.value })}
              aria-invalid={Boolean(errors.reference)}
            />
            <FormError>{errors.reference}</FormError>
          </>
        )}
      </fieldset>
      <Field label="Tags" htmlFor="item-tags" error={errors.tags}>
        <Input
          id="item-tags"
          value={values.tags}
          onChange={(e) => set({ tags: e.target.value })}
          placeholder="Separated by commas, e.g. vip, edge case"
        />
      </Field>
      {errors.form || serverError ? <FormError>{errors.form ?? serverError}</FormError> : null}
      <DialogActions submitLabel={item ? "Save item" : "Add item"} isPending={save.isPending} />
    </form>
  );
}
