"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Square } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useMe } from "@/components/shell/use-me";
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
    <Dialog.Root open={isOpen} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button variant="secondary">
          <Square className="size-4" aria-hidden />
          Stop experiment
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content className="fixed left-1/2 top-1/2 z-50 w-[min(92vw,28rem)] -translate-x-1/2 -translate-y-1/2 rounded-xl border bg-card p-6 shadow-xl">
          <Dialog.Title className="text-lg font-semibold">Stop “{experiment.name}”?</Dialog.Title>
          <Dialog.Description className="mb-6 mt-1 text-sm text-muted-foreground">
            Runs go back to the workflow&apos;s latest published version. The evidence so far is
            kept, but no verdict is reached after this.
          </Dialog.Description>
          <div className="flex justify-end gap-2">
            <Dialog.Close asChild>
              <Button variant="secondary">Keep running</Button>
            </Dialog.Close>
            <Button
              variant="danger"
              onClick={() => stop.mutate({ id: experiment.id })}
              disabled={stop.isPending}
            >
              {stop.isPending ? <Spinner /> : null}
              Stop experiment
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
