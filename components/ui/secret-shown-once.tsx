"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "./button";
import { DialogClose } from "./dialog";
import { Input } from "./input";

/**
 * The body of a dialog's last page for a secret the server shows only once (an API token, an
 * invitation link): a warning, the value with a copy button, and Done. The dialog shows the title.
 */
export function SecretShownOnce({
  warning,
  label,
  fieldLabel,
  value,
}: {
  warning: string;
  /** What the value is, in the copy button and messages ("token", "link"). */
  label: string;
  /** The accessible name of the field that shows it ("New API token"). */
  fieldLabel: string;
  value: string;
}) {
  const [isCopied, setCopied] = useState(false);
  function copy() {
    navigator.clipboard.writeText(value).then(
      () => {
        setCopied(true);
        toast.success(`${label[0]!.toUpperCase()}${label.slice(1)} copied`);
      },
      () => toast.error(`Could not copy: select the ${label} and copy it by hand.`),
    );
  }
  return (
    <>
      <div
        role="note"
        className="mb-4 flex gap-2 rounded-lg border border-amber-600/40 bg-amber-500/10 p-3 text-sm"
      >
        <TriangleAlert className="size-4 shrink-0 text-amber-700 dark:text-amber-400" aria-hidden />
        <p>{warning}</p>
      </div>
      <div className="mb-6 flex gap-2">
        <Input
          aria-label={fieldLabel}
          readOnly
          value={value}
          className="font-mono text-xs"
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button variant="secondary" onClick={copy} aria-label={`Copy ${label}`}>
          {isCopied ? (
            <Check className="size-4" aria-hidden />
          ) : (
            <Copy className="size-4" aria-hidden />
          )}
          {isCopied ? "Copied" : "Copy"}
        </Button>
      </div>
      <div className="flex justify-end">
        <DialogClose>
          <Button>Done</Button>
        </DialogClose>
      </div>
    </>
  );
}
