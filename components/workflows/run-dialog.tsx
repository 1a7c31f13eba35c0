"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/components/ui/form-error";
import { Dialog } from "@/components/ui/dialog";
import { RunPrediction } from "@/components/learning";
import { formSchemaOf, JsonSchemaForm } from "@/components/shared/json-schema-form";
import { useWorkflowPlan } from "@/components/runs";
import type { Plan } from "@/engine/schema/plan";
import { useTRPC } from "@/components/trpc/react";
import { DialogActions } from "@/components/ui/dialog-actions";
import { ErrorState, SkeletonRows } from "@/components/ui/states";

/** "input.name: is required; input.team: …" from INVALID_INPUT, by top-level property. */
function fieldProblems(message: string): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const part of message.replace(/^.*?invalid: /, "").split("; ")) {
    const match = /^input\.([^.:[\]]+)[^:]*: (.*)$/.exec(part);
    if (match) problems[match[1]!] ??= match[2]!;
  }
  return problems;
}

/** Starts a run of a workflow's current draft with an input built from its input schema. */
export function RunDialog({
  workflow,
  onClose,
  onStarted,
  pinnedOutputs,
  plan: givenPlan,
}: {
  workflow: { id: string; name: string };
  onClose: () => void;
  /** What to do with the started run; by default its run page opens. */
  onStarted?: (runId: string) => void;
  /** A dry run: these steps are not run, their outputs are taken as given. */
  pinnedOutputs?: Record<string, { output: unknown }>;
  /** The plan of the draft being edited (the canvas has it); otherwise the stored draft is fetched and compiled. */
  plan?: Plan | null;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const fetched = useWorkflowPlan(givenPlan === undefined ? workflow.id : undefined);
  const plan = givenPlan === undefined ? fetched.plan : givenPlan;
  const source = givenPlan === undefined ? fetched.workflow : null;
  const [asJson, setAsJson] = useState(false);
  const start = useMutation(
    trpc.run.start.mutationOptions({
      onSuccess: (run) => (onStarted ? onStarted(run.id) : router.push(`/runs/${run.id}`)),
    }),
  );

  const predicted = useQuery(
    trpc.learning.predict.queryOptions({ workflowId: workflow.id, draft: true }),
  );
  const experiment = givenPlan === undefined ? (predicted.data?.experiment ?? null) : null;
  const schema = plan?.inputSchema ?? null;
  const formSchema = formSchemaOf(schema);
  const hasFields = formSchema !== null && Object.keys(formSchema.shape).length > 0;
  const serverError = start.error?.message ?? null;
  const errors = serverError ? fieldProblems(serverError) : {};

  function submit(input: unknown) {
    // From the list, a workflow with a running A/B experiment runs one of its arms; the canvas always runs its draft.
    start.mutate({
      workflowId: workflow.id,
      ...(experiment ? {} : { draft: true }),
      input,
      ...(pinnedOutputs && Object.keys(pinnedOutputs).length ? { pinnedOutputs } : {}),
    });
  }

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      size="md"
      title={<>Run “{workflow.name}”</>}
      description={
        <>
          {experiment
            ? `The A/B experiment “${experiment.name}” is running: this run goes to ${experiment.arms.join(" or ")}.`
            : "Runs the current draft with this input."}
        </>
      }
    >
      <RunPrediction workflowId={workflow.id} draft />
      {source?.isPending ? (
        <SkeletonRows rows={2} />
      ) : source?.isError ? (
        <ErrorState message={source.error.message} onRetry={() => void source.refetch()} />
      ) : (
        <JsonSchemaForm
          key={`${asJson}:${JSON.stringify(schema)}`}
          schema={schema}
          idPrefix="run-input"
          isJson={asJson}
          jsonLabel="Input (JSON)"
          emptyText="This workflow takes no input."
          problems={errors}
          onSubmit={submit}
        >
          {serverError && Object.keys(errors).length === 0 ? (
            <FormError>{serverError}</FormError>
          ) : null}
          <div className="flex items-center justify-between gap-2">
            {hasFields ? (
              <button
                type="button"
                className="text-sm underline underline-offset-2"
                onClick={() => setAsJson(!asJson)}
              >
                {asJson ? "Edit as form" : "Edit as JSON"}
              </button>
            ) : (
              <span />
            )}
            <DialogActions submitLabel="Start run" isPending={start.isPending} />
          </div>
        </JsonSchemaForm>
      )}
    </Dialog>
  );
}
