"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { LIMIT_TEXT, formatLimit, type LimitItem, type LimitKey } from "./limits-text";

type FieldErrors = Partial<Record<LimitKey | "form", string>>;

/** "1,000" or "1 000" as 1000; empty as null (the platform default); anything else is not a number. */
function parseLimit(raw: string): number | null | "invalid" {
  const cleaned = raw.replace(/[\s,_]/g, "");
  if (cleaned === "") return null;
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : "invalid";
}

/** The form that changes the tenant's own limits; an empty field goes back to the platform default. */
export function LimitsFormDialog({
  open,
  onOpenChange,
  limits,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  limits: LimitItem[];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const update = useMutation(
    trpc.limits.update.mutationOptions({
      onSuccess: (next) => {
        queryClient.setQueryData(trpc.limits.get.queryKey(), next);
        toast.success("Limits saved");
        onOpenChange(false);
      },
    }),
  );
  const errors: FieldErrors = {
    ...fieldErrorsOf(update.error, Object.keys(LIMIT_TEXT) as LimitKey[]),
    ...clientErrors,
  };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input: Partial<Record<LimitKey, number | null>> = {};
    const found: FieldErrors = {};
    for (const limit of limits) {
      const value = parseLimit(String(form.get(limit.key) ?? ""));
      if (value === "invalid")
        found[limit.key] = "Enter a whole number, or leave it empty to use the platform default";
      else input[limit.key] = value;
    }
    setClientErrors(found);
    if (Object.keys(found).length > 0) return;
    update.mutate(input);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        onOpenChange(next);
        update.reset();
        setClientErrors({});
      }}
      size="md"
      title="Edit limits"
      description={
        <>
          Leave a field empty to follow the platform default. Changes apply to the next run or
          request and are recorded in the audit log.
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {limits.map((limit) => {
          const text = LIMIT_TEXT[limit.key];
          const id = `limit-input-${limit.key}`;
          const error = errors[limit.key];
          return (
            <Field
              key={limit.key}
              label={`${text.label} (${text.unit})`}
              htmlFor={id}
              error={error}
            >
              <Input
                id={id}
                name={limit.key}
                inputMode="numeric"
                autoComplete="off"
                defaultValue={limit.own ?? ""}
                placeholder={`Platform default: ${formatLimit(limit.platformDefault, text.unit)}`}
                aria-invalid={Boolean(error)}
                aria-describedby={error ? `${id}-error` : undefined}
              />
            </Field>
          );
        })}
        <FormError>{errors.form}</FormError>
        <DialogActions submitLabel="Save limits" isPending={update.isPending} />
      </form>
    </Dialog>
  );
}
