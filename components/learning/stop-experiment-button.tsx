"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Square } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/states";

/** "Stop experiment", after a confirmation; for those with workflow.edit, while it runs. */
export function StopExperimentButton({
  experiment,
}: {
  experiment: { id: string; name: string; status: string };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const [isOpen, setOpen] = useState(false);
  const stop = useMutation(
    trpc.learning.stopExperiment.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        toast.success("Experiment stopped");
        void queryClient.invalidateQueries({
          queryKey: trpc.learning.experiment.queryKey({ id: experiment.id }),
        });
        void queryClient.invalidateQueries({ queryKey: trpc.learning.experiments.queryKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  if (experiment.status !== "running" || !can("workflow.edit")) return null;

  return (
    <Dialog
      open={isOpen}
      onOpenChange={setOpen}
      trigger={
        <Button variant="secondary">
          <Square className="size-4" aria-hidden />
          Stop experiment
        </Button>
      }
      size="sm"
      title={<>Stop “{experiment.name}”?</>}
      description="Runs go back to the workflow's latest published version. The evidence so far is kept, but no verdict is reached after this."
    >
      <div className="flex justify-end gap-2">
        <DialogClose>
          <Button variant="secondary">Keep running</Button>
        </DialogClose>
        <Button
          variant="danger"
          onClick={() => stop.mutate({ id: experiment.id })}
          disabled={stop.isPending}
        >
          {stop.isPending ? <Spinner /> : null}
          Stop experiment
        </Button>
      </div>
    </Dialog>
  );
}
