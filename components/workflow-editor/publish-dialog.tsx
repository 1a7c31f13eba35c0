"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ShieldCheck } from "lucide-react";
import Link from "next/link";
import { useEffect, useState, type FormEvent } from "react";
import { FormError } from "@/components/ui/form-error";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { DialogActions } from "@/components/ui/dialog-actions";
import { Field, Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/states";

const SELECT =
  "h-10 w-full rounded-md border bg-card px-3 text-sm aria-invalid:border-danger disabled:opacity-50";

/** What workflow.publish's GATE_REFUSED carries (server/services/publish-gate.ts). */
type GateRefusal = {
  message: string;
  evaluationId: string;
  score: number | null;
  minScore: number;
  regressions: { itemId: string; score: number | null; previousScore?: number | null }[];
  comparedWith: { version: number } | null;
};

function refusalOf(error: unknown): GateRefusal | null {
  const data = (
    error as {
      data?: { appCode?: string | null; appDetails?: Record<string, unknown> | null };
    } | null
  )?.data;
  if (data?.appCode !== "GATE_REFUSED" || !data.appDetails) return null;
  const details = data.appDetails as {
    evaluationId: string;
    score: number | null;
    minScore: number;
    regressions: GateRefusal["regressions"];
    gate?: { comparedWith?: { version: number } | null };
  };
  return {
    message: (error as Error).message,
    evaluationId: details.evaluationId,
    score: details.score,
    minScore: details.minScore,
    regressions: details.regressions ?? [],
    comparedWith: details.gate?.comparedWith ?? null,
  };
}

const score = (value: number | null | undefined) =>
  value === null || value === undefined ? "—" : value.toFixed(2);

/**
 * Publishing: an immutable numbered version of the saved draft, with a message. A workflow with a
 * publish gate first evaluates the draft on the gate's dataset (progress shown), and a refusal
 * lists the regressions with a link to the evaluation; an admin may publish anyway with a reason.
 * The "Evaluation gate" section sets the dataset and minimum score (admins).
 */
export function PublishDialog({
  workflowId,
  open,
  onOpenChange,
  savedFirst,
  onPublished,
  blocked,
}: {
  workflowId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Saves what the canvas holds; false when it could not (the toolbar says why). */
  savedFirst: () => Promise<boolean>;
  onPublished: (version: { version: number | null }) => void;
  blocked: string | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const canManageGate = can("gate.manage");
  const [note, setNote] = useState("");
  const [evaluationId, setEvaluationId] = useState<string | null>(null);
  const [overrideReason, setOverrideReason] = useState("");

  // Read afresh at each opening: an admin may have changed the gate since.
  const gate = useQuery(
    trpc.publishGate.get.queryOptions({ workflowId }, { enabled: open, staleTime: 0 }),
  );
  const evaluation = useQuery(
    trpc.evaluation.get.queryOptions(
      { id: evaluationId ?? "" },
      {
        enabled: evaluationId !== null,
        refetchInterval: (query) =>
          query.state.data?.evaluation.status === "running" ? 500 : false,
      },
    ),
  );
  const published = (version: { version: number | null }) => {
    reset();
    onOpenChange(false);
    onPublished(version);
    void queryClient.invalidateQueries({ queryKey: trpc.evaluation.pathKey() });
  };
  const publish = useMutation(trpc.workflow.publish.mutationOptions({ onSuccess: published }));
  const publishAnyway = useMutation(
    trpc.publishGate.publishAnyway.mutationOptions({ onSuccess: published }),
  );
  const evaluate = useMutation(
    trpc.publishGate.evaluate.mutationOptions({ onSuccess: (row) => setEvaluationId(row.id) }),
  );
  const cancelEvaluation = useMutation(trpc.evaluation.cancel.mutationOptions());

  const running = evaluation.data?.evaluation.status === "running";
  const evaluating =
    evaluate.isPending ||
    (evaluationId !== null &&
      (evaluation.isPending || running) &&
      !publish.isPending &&
      !publish.isError &&
      !publish.isSuccess);
  // The gate's evaluation has ended: publish naming it (the server checks it still fits the draft).
  useEffect(() => {
    const row = evaluation.data?.evaluation;
    if (
      !row ||
      row.status === "running" ||
      row.id !== evaluationId ||
      publish.isPending ||
      publish.isError ||
      publish.isSuccess
    )
      return;
    publish.mutate({ workflowId, note: note.trim() || undefined, evaluationId: row.id });
  }, [evaluation.data, evaluationId, publish, workflowId, note]);

  function reset() {
    setEvaluationId(null);
    setOverrideReason("");
    publish.reset();
    publishAnyway.reset();
    evaluate.reset();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    reset();
    if (!(await savedFirst())) return;
    if (gate.data) evaluate.mutate({ workflowId });
    else publish.mutate({ workflowId, note: note.trim() || undefined });
  }

  function close(next: boolean) {
    if (!next && evaluationId && running) cancelEvaluation.mutate({ id: evaluationId });
    if (!next) reset();
    onOpenChange(next);
  }

  const refusal = refusalOf(publish.error);
  const error = refusal ? null : (publish.error?.message ?? evaluate.error?.message ?? null);
  const progress = evaluation.data?.evaluation;
  const isBusy = evaluating || publish.isPending || publishAnyway.isPending;

  return (
    <Dialog
      size="md"
      title="Publish a version"
      description="Runs use the latest published version; the draft stays yours to change."
      open={open}
      onOpenChange={close}
    >
      <form onSubmit={submit} className="space-y-4">
        <Field label="What changed" htmlFor="publish-note">
          <Input
            id="publish-note"
            value={note}
            maxLength={500}
            onChange={(e) => setNote(e.target.value)}
            placeholder="e.g. Added a reviewer step"
            autoFocus
          />
        </Field>
        {gate.data ? (
          <p className="flex items-start gap-2 text-sm text-muted-foreground">
            <ShieldCheck className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              Publishing evaluates the draft on “{gate.data.datasetName}” (v
              {gate.data.latestDatasetVersion}) and needs a score of at least{" "}
              {score(gate.data.minScore)}.
            </span>
          </p>
        ) : null}
        {evaluating ? (
          <div role="status" aria-live="polite" className="space-y-1.5 text-sm">
            <p className="flex items-center gap-2">
              <Spinner label="Evaluating" /> Evaluating the draft…{" "}
              {progress ? `${progress.finishedItems}/${progress.totalItems} items` : ""}
            </p>
            <div className="h-2 overflow-hidden rounded bg-muted" aria-hidden>
              <div
                className="h-full bg-primary transition-all"
                style={{
                  width: `${progress && progress.totalItems ? Math.round((progress.finishedItems / progress.totalItems) * 100) : 0}%`,
                }}
              />
            </div>
          </div>
        ) : null}
        {publish.isPending && evaluationId ? (
          <p role="status" className="flex items-center gap-2 text-sm">
            <Spinner label="Publishing" /> Publishing…
          </p>
        ) : null}
        {refusal ? <Refusal refusal={refusal} /> : null}
        {blocked || error ? <FormError>{blocked ?? error}</FormError> : null}
        {refusal && canManageGate ? (
          <div className="space-y-2 rounded-md border border-dashed p-3">
            <Field
              label="Reason to publish anyway (kept in the audit log)"
              htmlFor="override-reason"
              error={publishAnyway.error?.message}
            >
              <Input
                id="override-reason"
                value={overrideReason}
                maxLength={1000}
                onChange={(e) => setOverrideReason(e.target.value)}
                placeholder="e.g. The new wording is intended"
              />
            </Field>
            <Button
              type="button"
              variant="secondary"
              disabled={overrideReason.trim().length < 3 || publishAnyway.isPending}
              onClick={() =>
                publishAnyway.mutate({
                  workflowId,
                  note: note.trim() || undefined,
                  reason: overrideReason.trim(),
                  evaluationId: refusal.evaluationId,
                })
              }
            >
              {publishAnyway.isPending ? <Spinner /> : null}
              Publish anyway
            </Button>
          </div>
        ) : null}
        <DialogActions
          submitLabel={
            refusal ? "Evaluate and publish again" : gate.data ? "Evaluate and publish" : "Publish"
          }
          isPending={isBusy}
        />
      </form>
      <GateSettings workflowId={workflowId} canManage={canManageGate} open={open} />
    </Dialog>
  );
}

function Refusal({ refusal }: { refusal: GateRefusal }) {
  return (
    <div
      role="alert"
      className="space-y-2 rounded-md border border-danger/40 bg-danger/5 p-3 text-sm"
    >
      <p className="font-medium text-danger">
        Not published:{" "}
        {refusal.message.replace(
          /^The publish gate refused this version /,
          "the publish gate refused it ",
        )}
      </p>
      {refusal.regressions.length ? (
        <>
          <p className="text-muted-foreground">
            {refusal.comparedWith
              ? `Items that got worse since version ${refusal.comparedWith.version}:`
              : "Items below the pass mark:"}
          </p>
          <ul
            aria-label="Regressions"
            className="max-h-40 space-y-0.5 overflow-auto font-mono text-xs"
          >
            {refusal.regressions.map((r) => (
              <li key={r.itemId}>
                {r.itemId}: {r.previousScore !== undefined ? `${score(r.previousScore)} → ` : ""}
                {score(r.score)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <Link href={`/evaluations/${refusal.evaluationId}`} className="inline-block underline">
        Open the evaluation
      </Link>
    </div>
  );
}

/** The workflow's publish gate: the dataset and minimum score (admins change it; others read it). */
function GateSettings({
  workflowId,
  canManage,
  open,
}: {
  workflowId: string;
  canManage: boolean;
  open: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const gate = useQuery(
    trpc.publishGate.get.queryOptions({ workflowId }, { enabled: open, staleTime: 0 }),
  );
  // Mounted with the open dialog: datasets made since the last opening are listed.
  const datasets = useQuery(
    trpc.dataset.list.queryOptions(
      { workflowId },
      { enabled: open && canManage, refetchOnMount: "always" },
    ),
  );
  // What the admin typed, over the stored gate until saved.
  const [editedDataset, setDatasetId] = useState<string | null>(null);
  const [editedMinScore, setMinScore] = useState<string | null>(null);
  const datasetId = editedDataset ?? gate.data?.datasetId ?? "";
  const minScore = editedMinScore ?? (gate.data ? String(gate.data.minScore) : "0.8");
  const refresh = () => {
    setDatasetId(null);
    setMinScore(null);
    void queryClient.invalidateQueries({ queryKey: trpc.publishGate.get.queryKey({ workflowId }) });
  };
  const save = useMutation(trpc.publishGate.set.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.publishGate.remove.mutationOptions({ onSuccess: refresh }));
  const fieldErrors = (
    save.error?.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined
  )?.zodError?.fieldErrors;

  return (
    <details className="mt-5 border-t pt-3">
      {/* Not named "Publish …": the dialog's Publish button is found by that name. */}
      <summary className="cursor-pointer text-sm font-medium">Evaluation gate</summary>
      {gate.isPending ? (
        <Spinner />
      ) : !canManage ? (
        <p className="mt-2 text-sm text-muted-foreground">
          {gate.data
            ? `Publishing needs a score of at least ${score(gate.data.minScore)} on “${gate.data.datasetName}”.`
            : "No gate: publishing does not run an evaluation."}{" "}
          An admin can change it.
        </p>
      ) : datasets.data && datasets.data.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">
          This workflow has no datasets yet.{" "}
          <Link href={`/workflows/${workflowId}/datasets`} className="underline">
            Create one
          </Link>{" "}
          with evaluators to gate publishing on it.
        </p>
      ) : (
        <form
          className="mt-3 space-y-3"
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate({ workflowId, datasetId, minScore: Number(minScore) });
          }}
        >
          <div className="grid grid-cols-[1fr_8rem] gap-3">
            <Field label="Dataset" htmlFor="gate-dataset" error={fieldErrors?.datasetId?.[0]}>
              <select
                id="gate-dataset"
                className={SELECT}
                value={datasetId}
                onChange={(e) => setDatasetId(e.target.value)}
                required
              >
                <option value="" disabled>
                  Choose a dataset
                </option>
                {datasets.data?.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name} ({d.itemCount} items{d.evaluators.length ? "" : ", no evaluators"})
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Minimum score"
              htmlFor="gate-min-score"
              error={fieldErrors?.minScore?.[0]}
            >
              <Input
                id="gate-min-score"
                type="number"
                min={0}
                max={1}
                step={0.01}
                value={minScore}
                onChange={(e) => setMinScore(e.target.value)}
                required
              />
            </Field>
          </div>
          {save.error && !fieldErrors ? <FormError>{save.error.message}</FormError> : null}
          <div className="flex justify-end gap-2">
            {gate.data ? (
              <Button
                type="button"
                variant="ghost"
                size="sm"
                disabled={remove.isPending}
                onClick={() => remove.mutate({ workflowId })}
              >
                Remove gate
              </Button>
            ) : null}
            <Button
              type="submit"
              variant="secondary"
              size="sm"
              disabled={save.isPending || !datasetId}
            >
              {save.isPending ? <Spinner /> : null}
              {gate.data ? "Save gate" : "Require this score"}
            </Button>
          </div>
          {save.isSuccess && !save.isPending ? (
            <p className="text-xs text-muted-foreground">Saved: the next publish is evaluated.</p>
          ) : null}
        </form>
      )}
    </details>
  );
}
