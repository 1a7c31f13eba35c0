"use client";

import { useMutation } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTRPC } from "@/components/trpc/react";
import { SkeletonRows, Spinner } from "@/components/ui/states";
import { InspectorPanel } from "./inspector-panel";
import { ServerProblem } from "./server-problem";

/**
 * Like the MCP Inspector: an inspector session with the installed server (started when needed)
 * for its tools, resources and prompts, with progress, log messages and the JSON-RPC history.
 */
export function ToolRunner({ installationId }: { installationId: string }) {
  const trpc = useTRPC();
  const open = useMutation(trpc.inspector.openInstallation.mutationOptions());
  const { mutate } = open;
  useEffect(() => {
    mutate({ installationId });
  }, [mutate, installationId]);

  if (open.isError) {
    return (
      <ServerProblem title="The server could not be started or reached" error={open.error}>
        <button
          type="button"
          onClick={() => open.mutate({ installationId })}
          className="mt-2 font-medium underline underline-offset-2"
        >
          Try again
        </button>
      </ServerProblem>
    );
  }
  if (!open.data) {
    return (
      <div className="space-y-2">
        <p className="flex items-center gap-2 text-sm text-muted-foreground">
          <Spinner /> Starting the server and connecting…
        </p>
        <SkeletonRows rows={2} />
      </div>
    );
  }
  return (
    <InspectorPanel
      key={open.data.sessionId}
      session={open.data}
      onReconnect={() => open.mutate({ installationId })}
    />
  );
}
