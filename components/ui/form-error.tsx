import type { ReactNode } from "react";
import { cn } from "./cn";

/**
 * A form's or dialog's error message, announced when it appears (`role="alert"`). Renders nothing
 * without a message, so `<FormError>{mutation.error?.message}</FormError>` needs no condition.
 */
export function FormError({ children, className }: { children?: ReactNode; className?: string }) {
  if (children === null || children === undefined || children === false || children === "")
    return null;
  return (
    <p role="alert" className={cn("text-sm text-danger", className)}>
      {children}
    </p>
  );
}
