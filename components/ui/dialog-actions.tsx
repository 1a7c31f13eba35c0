import type { ReactNode } from "react";
import { Button } from "./button";
import { DialogClose } from "./dialog";
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
      <DialogClose>
        <Button variant="secondary">{closeLabel}</Button>
      </DialogClose>
      <Button type="submit" disabled={isPending}>
        {isPending ? <Spinner /> : null}
        {submitLabel}
      </Button>
    </div>
  );
}
