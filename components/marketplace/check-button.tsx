"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Stethoscope } from "lucide-react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";
import { messageOf } from "./types";

/** "Check server": starts it, lists and calls what it can, stores the report; the result comes as a toast. */
export function CheckButton({
  installationId,
  name,
  disabled,
}: {
  installationId: string;
  name: string;
  disabled?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const check = useMutation(
    trpc.mcp.check.mutationOptions({
      onSuccess: ({ report }) => {
        const summary =
          report.status === "up"
            ? `${name} is up`
            : report.status === "degraded"
              ? `${name} works partly`
              : `${name} is down`;
        const detail = report.error ?? report.problems[0];
        if (report.status === "up")
          toast.success(
            `${summary} (${report.tools.length} tools, connect ${report.connectMs} ms)`,
          );
        else toast.error(detail ? `${summary}: ${detail}` : summary);
        void queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
      },
      onError: (error) => toast.error(`Check failed: ${messageOf(error)}`),
    }),
  );
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={disabled || check.isPending}
      onClick={() => check.mutate({ id: installationId })}
    >
      {check.isPending ? (
        <Spinner label="Checking" />
      ) : (
        <Stethoscope className="size-4" aria-hidden />
      )}
      {check.isPending ? "Checking…" : "Check server"}
    </Button>
  );
}
