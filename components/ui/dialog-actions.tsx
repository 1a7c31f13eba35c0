import * as Dialog from "@radix-ui/react-dialog";
import type { ReactNode } from "react";
import { Button } from "./button";
import { Spinner } from "./states";

/** The footer of a form dialog: a button that closes it, and the submit button with its progress. */
export function DialogActions({
  submitLabel,
  isPending,
  closeLabel = "Cancel",
}: {
  submitLabel: ReactNode;
  isPending: boolean;
  closeLabel?: string;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Dialog.Close asChild>
        <Button variant="secondary">{closeLabel}</Button>
      </Dialog.Close>
      <Button type="submit" disabled={isPending}>
        {isPending ? <Spinner /> : null}
        {submitLabel}
      </Button>
    </div>
  );
}
