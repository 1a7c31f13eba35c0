"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { Sparkles } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, type KeyboardEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { Dialog, DialogClose } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field } from "@/components/ui/input";
import { ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import type { Pattern } from "./patterns";
import { ProposalView } from "./proposal-view";
import { triggerSetupHint } from "./trigger-hint";

const MIN_TASK = 3;
const MAX_TASK = 2000;
const EXAMPLES = [
  "Read data/events.csv, load it into a new SQLite table and report the row count",
  "Route each support ticket to billing, bugs or sales",
  "Write a haiku about autumn and polish it until a critic rates it excellent",
];

/**
 * "Describe a task": the user says what a workflow should do, the planner proposes one (pattern,
 * servers, nodes, and why), the user may plan it as another pattern, then creates it, or, on a
 * workflow's canvas (`onReplace`), puts it in place of what is there.
 */
export function DescribeTaskDialog({
  open,
  onOpenChange,
  onCreated,
  onReplace,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** After creating: by default the new workflow opens on the canvas. */
  onCreated?: (workflow: { id: string; name: string }) => void;
  /** On a workflow's canvas: replace its nodes with the proposal (one undoable command). */
  onReplace?: (document: WorkflowDocument) => void;
}) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      size="xl"
      title={
        <>
          <Sparkles className="size-5 text-primary" aria-hidden /> Describe a task
        </>
      }
      description="Say what the workflow should do. The planner proposes a pattern, the MCP servers and the nodes, and says why."
    >
      {/* Mounted only while open: closing forgets the task and the proposal. */}
      {open ? (
        <DescribeTaskBody
          onClose={() => onOpenChange(false)}
          onCreated={onCreated}
          onReplace={onReplace}
        />
      ) : null}
    </Dialog>
  );
}

function DescribeTaskBody({
  onClose,
  onCreated,
  onReplace,
}: {
  onClose: () => void;
  onCreated?: (workflow: { id: string; name: string }) => void;
  onReplace?: (document: WorkflowDocument) => void;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [task, setTask] = useState("");
  const [asked, setAsked] = useState<{ task: string; pattern?: Pattern } | null>(null);
  const [clientError, setClientError] = useState<string | null>(null);

  const proposal = useQuery({
    ...trpc.autonomy.propose.queryOptions(asked ?? { task: "" }),
    enabled: asked !== null,
    staleTime: 60_000,
    retry: false,
    // While another pattern is planned, the last proposal stays in view.
    placeholderData: keepPreviousData,
  });
  // One pass of the workspace's model over the proposal (optional: the planner needs none).
  const refine = useMutation(trpc.autonomy.refine.mutationOptions());
  const create = useMutation(
    trpc.autonomy.createFromProposal.mutationOptions({
      onSuccess: (workflow) => {
        onClose();
        // The planner proposes triggers but creates none: say where they are set up.
        const hint = triggerSetupHint(workflow.triggers);
        if (hint) toast.info(hint, { duration: 12_000 });
        if (onCreated) return onCreated(workflow);
        toast.success(`Created “${workflow.name}”`);
        router.push(`/workflows/${workflow.id}`);
      },
    }),
  );

  function propose(event?: { preventDefault: () => void }) {
    event?.preventDefault();
    const text = task.trim();
    if (text.length < MIN_TASK)
      return setClientError(`Describe the task in at least ${MIN_TASK} characters`);
    setClientError(null);
    create.reset();
    refine.reset();
    setAsked({ task: text });
  }
  function submitOnEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) propose(event);
  }

  const serverErrors = proposal.isError ? fieldErrorsOf(proposal.error, ["task"] as const) : {};
  const taskError = clientError ?? serverErrors.task;
  const refined =
    refine.data && proposal.data && refine.data.task === proposal.data.task
      ? refine.data
      : undefined;
  const shown = refined ?? proposal.data;
  const isPlanning = proposal.isFetching;
  // The task was edited after the proposal was made: creating it now would surprise.
  const isStale = shown !== undefined && task.trim() !== shown.task;

  return (
    <>
      {/* The task and the proposal scroll; the buttons under them stay in view. */}
      <div className="-m-1 min-h-0 flex-1 space-y-4 overflow-y-auto p-1">
        <form onSubmit={propose} className="space-y-2" noValidate>
          <Field label="Task" htmlFor="describe-task" error={taskError}>
            <textarea
              id="describe-task"
              value={task}
              onChange={(e) => setTask(e.target.value)}
              onKeyDown={submitOnEnter}
              rows={3}
              maxLength={MAX_TASK}
              autoFocus
              placeholder={EXAMPLES[0]}
              aria-invalid={Boolean(taskError)}
              aria-describedby="describe-task-hint"
              className="w-full rounded-md border bg-card p-2 text-sm placeholder:text-muted-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring aria-invalid:border-danger"
            />
          </Field>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p id="describe-task-hint" className="text-xs text-muted-foreground">
              Enter proposes; Shift+Enter starts a new line.
            </p>
            <Button type="submit" disabled={isPlanning}>
              {isPlanning ? (
                <Spinner label="Planning" />
              ) : (
                <Sparkles className="size-4" aria-hidden />
              )}
              Propose
            </Button>
          </div>
        </form>

        {!asked ? (
          <div className="rounded-lg border border-dashed p-3 text-sm text-muted-foreground">
            <p className="mb-1">For example:</p>
            <ul className="space-y-1">
              {EXAMPLES.map((example) => (
                <li key={example}>
                  <button
                    type="button"
                    className="text-left underline-offset-2 hover:underline"
                    onClick={() => setTask(example)}
                  >
                    {example}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : proposal.isError ? (
          // A refused task is shown on the field; anything else here.
          serverErrors.task ? null : (
            <ErrorState
              title="No proposal"
              message={proposal.error.message}
              onRetry={() => void proposal.refetch()}
            />
          )
        ) : !shown ? (
          <SkeletonRows rows={3} />
        ) : (
          <ProposalView
            proposal={shown}
            isUpdating={isPlanning || refine.isPending}
            onPattern={(pattern) => {
              refine.reset();
              setAsked({ task: shown.task, pattern });
            }}
          />
        )}
      </div>

      {asked && shown && !proposal.isError ? (
        <div className="mt-4 space-y-2 border-t pt-4">
          <FormError>{create.error?.message}</FormError>
          {isStale ? (
            <p className="text-sm text-muted-foreground">
              The task changed: propose again to plan it.
            </p>
          ) : null}
          {refine.error ? (
            <FormError>{refine.error.message}</FormError>
          ) : refine.data && !refine.data.refined ? (
            <p role="status" className="text-sm text-muted-foreground">
              The model kept the proposal as it was
              {refine.data.refinementNote ? ` (${refine.data.refinementNote})` : ""}.
            </p>
          ) : refined ? (
            <p role="status" className="text-sm text-muted-foreground">
              Refined by the model: {refined.reasons[0]?.replace(/^refined: /, "")}
            </p>
          ) : null}
          <div className="flex flex-wrap justify-end gap-2">
            <DialogClose>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button
              variant="secondary"
              disabled={refine.isPending || isPlanning || isStale || Boolean(refined)}
              title="Ask the workspace's model to improve the pattern, servers and instructions"
              onClick={() => refine.mutate(asked)}
            >
              {refine.isPending ? (
                <Spinner label="Refining" />
              ) : (
                <Sparkles className="size-4" aria-hidden />
              )}
              Refine with the model
            </Button>
            <Button
              variant={onReplace ? "secondary" : "primary"}
              disabled={create.isPending || isPlanning || isStale}
              onClick={() => create.mutate({ task: shown.task, document: shown.document })}
            >
              {create.isPending ? <Spinner /> : null}
              {onReplace ? "Create as a new workflow" : "Create workflow"}
            </Button>
            {onReplace ? (
              <Button
                disabled={isPlanning || isStale}
                onClick={() => {
                  onReplace(shown.document);
                  onClose();
                  const hint = triggerSetupHint(shown.triggers);
                  if (hint) toast.info(hint, { duration: 12_000 });
                }}
              >
                Replace the canvas with this proposal
              </Button>
            ) : null}
          </div>
        </div>
      ) : null}
    </>
  );
}
