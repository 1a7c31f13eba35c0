"use client";

import * as RadixDialog from "@radix-ui/react-dialog";
import { X } from "lucide-react";
import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

const WIDTHS = {
  sm: "w-[min(92vw,28rem)]",
  md: "w-[min(92vw,32rem)]",
  lg: "w-[min(94vw,36rem)]",
  xl: "w-[min(94vw,46rem)]",
  "2xl": "w-[min(96vw,52rem)]",
  "3xl": "w-[min(96vw,64rem)]",
} as const;

const FRAMES = {
  center: "fixed left-1/2 top-1/2 max-h-[90vh] -translate-x-1/2 -translate-y-1/2 rounded-xl border",
  right: "fixed right-0 top-0 h-full border-l",
} as const;

/**
 * The app's one dialog frame, on Radix (focus kept inside, Escape and a click outside close it,
 * focus returns to what opened it): a title, an optional description, a scrolling body and an
 * optional footer. `trigger` is the element that opens it; leave it out to open it by `open`.
 * `side="right"` makes it a panel along the right edge.
 *
 * ```tsx
 * <Dialog open={open} onOpenChange={setOpen} title="Rename" description="A new name.">
 *   <form onSubmit={save}>…<DialogActions submitLabel="Save" isPending={save.isPending} /></form>
 * </Dialog>
 * ```
 */
export function Dialog({
  open,
  onOpenChange,
  trigger,
  title,
  description,
  isDescriptionHidden = false,
  hasCloseButton = false,
  size = "sm",
  side = "center",
  bodyClassName,
  footer,
  children,
}: {
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  trigger?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  /** Read by screen readers only, when the body says it to sighted users. */
  isDescriptionHidden?: boolean;
  /** An × in the header (dialogs without a footer button that closes them). */
  hasCloseButton?: boolean;
  size?: keyof typeof WIDTHS;
  side?: keyof typeof FRAMES;
  bodyClassName?: string;
  footer?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      {trigger ? <RadixDialog.Trigger asChild>{trigger}</RadixDialog.Trigger> : null}
      <RadixDialog.Portal>
        {/* z-50 for both: a dialog opened from a dialog is portalled later, so it lies above. */}
        <RadixDialog.Overlay className="fixed inset-0 z-50 bg-black/40" />
        <RadixDialog.Content
          className={cn("z-50 flex flex-col bg-card shadow-xl", FRAMES[side], WIDTHS[size])}
          // No description: say so, so Radix does not point aria-describedby at nothing.
          {...(description ? {} : { "aria-describedby": undefined })}
        >
          <div className="flex items-start gap-4 px-6 pb-4 pt-6">
            <div className="min-w-0 flex-1">
              <RadixDialog.Title className="flex items-center gap-2 text-lg font-semibold">
                {title}
              </RadixDialog.Title>
              {description ? (
                <RadixDialog.Description
                  className={cn(
                    "mt-1 text-sm text-muted-foreground",
                    isDescriptionHidden && "sr-only",
                  )}
                >
                  {description}
                </RadixDialog.Description>
              ) : null}
            </div>
            {hasCloseButton ? (
              <RadixDialog.Close asChild>
                <Button variant="ghost" size="sm" aria-label="Close">
                  <X className="size-4" aria-hidden />
                </Button>
              </RadixDialog.Close>
            ) : null}
          </div>
          <div
            className={cn(
              "min-h-0 flex-1 overflow-y-auto px-6",
              footer ? "pb-4" : "pb-6",
              bodyClassName,
            )}
          >
            {children}
          </div>
          {footer ? <div className="flex justify-end gap-2 px-6 pb-6">{footer}</div> : null}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/** Closes the dialog it is in; wraps its one child (`asChild`), usually a Button. */
export const DialogClose = ({ children }: { children: ReactNode }) => (
  <RadixDialog.Close asChild>{children}</RadixDialog.Close>
);
