import type { ReactNode } from "react";
import { cn } from "./cn";

const VARIANTS = {
  /** Under a field or above a form's buttons. */
  text: "text-sm text-danger",
  /** A whole form's failure on a page of its own (sign-in, accepting an invitation). */
  box: "rounded-md border border-danger/40 bg-danger/5 px-3 py-2 text-sm text-danger",
} as const;

/**
 * The one way a form or dialog shows an error: announced when it appears (`role="alert"`), and
 * nothing at all without a message, so `<FormError>{mutation.error?.message}</FormError>` needs no
 * condition. `id` lets a field point at it with `aria-describedby`.
 */
export function FormError({
  children,
  id,
  variant = "text",
  className,
}: {
  children?: ReactNode;
  id?: string;
  variant?: keyof typeof VARIANTS;
  className?: string;
}) {
  if (children === null || children === undefined || children === false || children === "")
    return null;
  return (
    <p id={id} role="alert" className={cn(VARIANTS[variant], className)}>
      {children}
    </p>
  );
}
