"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/states";
import { displayKeys, SHORTCUTS } from "./shortcuts";
import type { LeaveState } from "./use-leave-guard";

/** Every keyboard shortcut of the canvas, from the same table the key handler uses. */
export function ShortcutsDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog title="Keyboard shortcuts" open={open} onOpenChange={onOpenChange}>
      <table className="mt-2 w-full text-sm">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id} className="border-b last:border-0">
              <td className="py-1.5 pr-4">{s.label}</td>
              <td className="py-1.5 text-right">
                {s.keys.map((k) => (
                  <kbd
                    key={k}
                    className="ml-1 rounded border bg-muted px-1.5 py-0.5 font-mono text-xs"
                  >
                    {displayKeys(k)}
                  </kbd>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-3 text-xs text-muted-foreground">
        Shift-drag draws a selection box; Ctrl- or ⌘-click adds to the selection; arrow keys nudge
        the selected nodes.
      </p>
    </Dialog>
  );
}

/** Leaving the editor with work not stored: while the save runs, and when it could not be made. */
export function LeaveDialog({
  leave,
  onStay,
  onLeave,
}: {
  leave: LeaveState;
  onStay: () => void;
  onLeave: () => void;
}) {
  const isSaving = leave.state === "saving";
  return (
    <Dialog
      title={isSaving ? "Saving your changes" : "Leave without saving?"}
      description={
        isSaving
          ? "The page changes once the draft is saved."
          : "If you leave now, these changes are lost:"
      }
      open={leave.state !== "idle"}
      onOpenChange={(open) => (open ? undefined : onStay())}
    >
      {leave.state === "blocked" ? (
        <ul role="alert" className="mb-4 list-disc space-y-1 pl-5 text-sm text-danger">
          {leave.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      {isSaving ? (
        <p className="mb-4 flex items-center gap-2 text-sm text-muted-foreground">
          <Spinner label="Saving" /> Saving…
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={onLeave}>
          Leave anyway
        </Button>
        <Button onClick={onStay} autoFocus>
          Stay
        </Button>
      </div>
    </Dialog>
  );
}
