"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Play, RotateCcw } from "lucide-react";
import { useId, useState } from "react";
import { FormError } from "@/components/ui/form-error";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { ErrorState, Spinner } from "@/components/ui/states";
import { formatCost, formatDuration, formatTokens } from "@/components/shared/run-format";
import { JsonView } from "./json-view";
import { StatusBadge } from "@/components/shared/status-badge";
import { diffValues } from "./value-diff";

const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * "Re-run this step": the step's captured inputs (the run's input and the outputs of the steps it
 * reads) as editable JSON, run through the engine for this one node only (run.rerunStep), and the
 * new output shown beside the old one with what changed. The run itself is left as it was.
 */
export function StepRerun({ runId, stepId }: { runId: string; stepId: string }) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        <RotateCcw className="size-4" aria-hidden />
        Re-run this step
      </Button>
    );
  }
  return (
    <RerunPanel
      key={`${runId}:${stepId}`}
      runId={runId}
      stepId={stepId}
      onClose={() => setOpen(false)}
    />
  );
}

function RerunPanel({
  runId,
  stepId,
  onClose,
}: {
  runId: string;
  stepId: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const editorId = useId();
  const captured = useQuery(trpc.run.stepInputs.queryOptions({ runId, stepId }));
  const [text, setText] = useState<string | null>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const rerun = useMutation(trpc.run.rerunStep.mutationOptions());

  if (captured.isPending) return <Spinner label="Loading the step's inputs" />;
  if (captured.isError)
    return (
      <ErrorState
        title="The step's inputs could not be loaded"
        message={captured.error.message}
        onRetry={() => void captured.refetch()}
      />
    );
  const original = pretty(captured.data.inputs);
  const current = text ?? original;

  const submit = () => {
    let inputs: { input: unknown; steps: Record<string, unknown> };
    try {
      const parsed = JSON.parse(current) as unknown;
      if (
        typeof parsed !== "object" ||
        parsed === null ||
        Array.isArray(parsed) ||
        !("steps" in parsed) ||
        typeof parsed.steps !== "object" ||
        parsed.steps === null
      ) {
        throw new Error('Give an object with "input" and "steps"');
      }
      inputs = parsed as typeof inputs;
    } catch (error) {
      setParseError(error instanceof Error ? error.message : String(error));
      return;
    }
    setParseError(null);
    rerun.mutate({ runId, stepId, inputs });
  };

  const result = rerun.data;
  const previous = captured.data.previous;
  const changes =
    result?.status === "completed" && previous ? diffValues(previous.output, result.output) : [];
  return (
    <section className="space-y-3 rounded-md border p-3" aria-label="Re-run this step">
      <div className="space-y-1">
        <label
          htmlFor={editorId}
          className="text-xs font-semibold uppercase tracking-wide text-muted-foreground"
        >
          Inputs (the run&apos;s input and the outputs of the steps it reads)
        </label>
        <textarea
          id={editorId}
          className="h-48 w-full rounded-md border bg-background p-2 font-mono text-xs"
          spellCheck={false}
          value={current}
          aria-invalid={parseError ? true : undefined}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && (event.metaKey || event.ctrlKey)) {
              event.preventDefault();
              submit();
            }
          }}
        />
        {parseError ? <FormError>Not valid inputs: {parseError}</FormError> : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <Button onClick={submit} disabled={rerun.isPending} title="Ctrl+Enter">
          {rerun.isPending ? <Spinner /> : <Play className="size-4" aria-hidden />}
          Run this step
        </Button>
        <Button variant="secondary" onClick={() => setText(null)} disabled={current === original}>
          Reset inputs
        </Button>
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      <p className="text-xs text-muted-foreground">
        Only this node runs, with your models and tools; nothing is added to the run.
      </p>
      {rerun.isError ? (
        <p role="alert" className="rounded-md border border-danger/40 bg-danger/5 p-2 text-sm">
          {rerun.error.message}
        </p>
      ) : null}
      {result ? (
        <div className="space-y-3" aria-live="polite">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <StatusBadge status={result.status} />
            <span>{formatDuration(result.durationMs)}</span>
            <span>{formatTokens(result.usage.inputTokens, result.usage.outputTokens)}</span>
            <span>{formatCost(result.costUsd, result.unpricedTokens)}</span>
          </div>
          {result.error ? (
            <p role="alert" className="rounded-md border border-danger/40 bg-danger/5 p-2 text-sm">
              <span className="font-mono text-xs text-danger">{result.error.code}</span>{" "}
              {result.error.message}
            </p>
          ) : null}
          <div className="grid gap-3 md:grid-cols-2">
            <div className="space-y-1">
              <h4 className="text-xs font-semibold text-muted-foreground">Before (in the run)</h4>
              {previous ? (
                <JsonView value={previous.output} label="Output in the run" />
              ) : (
                <p className="text-sm text-muted-foreground">The step had no output in the run.</p>
              )}
            </div>
            <div className="space-y-1">
              <h4 className="text-xs font-semibold text-muted-foreground">After (re-run)</h4>
              {result.status === "completed" ? (
                <JsonView value={result.output} label="Output of the re-run" />
              ) : (
                <p className="text-sm text-muted-foreground">No output: the step failed.</p>
              )}
            </div>
          </div>
          {previous && result.status === "completed" ? (
            <div className="space-y-1">
              <h4 className="text-xs font-semibold text-muted-foreground">Changes</h4>
              {changes.length === 0 ? (
                <p className="text-sm text-muted-foreground">Same output as in the run.</p>
              ) : (
                <ul className="space-y-1 font-mono text-xs" aria-label="Changes">
                  {changes.map((change) => (
                    <li key={`${change.kind}:${change.path}`}>
                      <span className="font-semibold">{change.path || "(whole output)"}</span>{" "}
                      {change.kind === "added" ? (
                        <span className="text-emerald-700 dark:text-emerald-400">
                          + {pretty(change.after)}
                        </span>
                      ) : change.kind === "removed" ? (
                        <span className="text-danger">− {pretty(change.before)}</span>
                      ) : (
                        <>
                          <span className="text-danger line-through">{pretty(change.before)}</span>{" "}
                          →{" "}
                          <span className="text-emerald-700 dark:text-emerald-400">
                            {pretty(change.after)}
                          </span>
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
