"use client";

import { downloadText } from "@/components/shared/download";
import { useQuery } from "@tanstack/react-query";
import { FileDown } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { ErrorState, Spinner } from "@/components/ui/states";

/** An installed server's catalog entry as `server.json` (the MCP Registry's shape), to copy or download. */
export function ExportServerJson({ installationId }: { installationId: string }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const exported = useQuery({
    ...trpc.mcp.exportServerJson.queryOptions({ id: installationId }),
    enabled: open,
  });
  const text = exported.data ? JSON.stringify(exported.data.serverJson, null, 2) : "";

  const download = () => downloadText("server.json", text, "application/json");

  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="secondary" size="sm">
          <FileDown className="size-4" aria-hidden />
          server.json
        </Button>
      }
      size="lg"
      title="This server as server.json"
      description="The MCP Registry's format: packages or remotes, with inputs for values. Your values and secrets are not in it."
    >
      {exported.isPending ? (
        <Spinner />
      ) : exported.isError ? (
        <ErrorState message={exported.error.message} onRetry={() => void exported.refetch()} />
      ) : (
        <pre
          aria-label="server.json"
          className="max-h-80 overflow-auto rounded-md bg-muted p-3 text-xs"
        >
          {text}
        </pre>
      )}
      <div className="mt-4 flex justify-end gap-2">
        <Button
          variant="secondary"
          disabled={!text}
          onClick={() =>
            void navigator.clipboard.writeText(text).then(() => toast.success("Copied"))
          }
        >
          Copy
        </Button>
        <Button disabled={!text} onClick={download}>
          Download
        </Button>
      </div>
    </Dialog>
  );
}
