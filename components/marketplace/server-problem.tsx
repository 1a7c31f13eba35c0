import type { ReactNode } from "react";
import { messageOf } from "./types";

/** A refused call or listing: the reason, and what the server wrote to stderr when it did not start. */
export function ServerProblem({
  title,
  error,
  children,
}: {
  title: string;
  error: unknown;
  children?: ReactNode;
}) {
  const stderr = (error as { data?: { appDetails?: { stderr?: unknown } | null } } | null)?.data
    ?.appDetails?.stderr;
  return (
    <div role="alert" className="rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm">
      <p className="font-medium text-danger">{title}</p>
      <p className="mt-1 whitespace-pre-wrap">{messageOf(error)}</p>
      {typeof stderr === "string" && stderr ? (
        <pre className="mt-2 max-h-40 overflow-auto rounded bg-muted p-2 text-xs">{stderr}</pre>
      ) : null}
      {children}
    </div>
  );
}
