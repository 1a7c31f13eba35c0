"use client";

import { ExternalLink, Pin, X } from "lucide-react";
import Link from "next/link";
import { useEffect, useMemo } from "react";
import { FormError } from "@/components/ui/form-error";
import { orderSteps, RunActions, StepDetail, useRunLive } from "@/components/runs";
import { StatusBadge } from "@/components/shared/status-badge";
import { Button } from "@/components/ui/button";
import { SkeletonRows } from "@/components/ui/states";
import { useEditor } from "./editor-context";
import type { StepOverlay } from "./node-card";

export const NO_OVERLAYS: ReadonlyMap<string, StepOverlay> = new Map();

/**
 * The run started from the canvas, as it happens: its steps' status goes onto the nodes, and the
 * selected node's step (input, output, error) shows here. A finished step's output can be pinned
 * for the next dry run.
 */
export function RunPanel({
  runId,
  onClose,
  onOverlays,
  pinned,
  onPin,
}: {
  runId: string;
  onClose: () => void;
  onOverlays: (overlays: ReadonlyMap<string, StepOverlay>) => void;
  pinned: ReadonlySet<string>;
  onPin: (stepId: string, output: unknown) => void;
}) {
  const { detail, state } = useRunLive(runId);
  const plan = detail.data?.plan ?? null;
  const steps = useMemo(() => (state ? orderSteps(plan, state) : []), [plan, state]);
  const selectedId = useEditor((s) =>
    s.selectedNodeIds.length === 1 ? s.selectedNodeIds[0] : undefined,
  );

  useEffect(() => {
    const overlays = new Map<string, StepOverlay>();
    for (const step of steps) {
      const durationMs =
        step.startedAt != null && step.finishedAt != null ? step.finishedAt - step.startedAt : null;
      overlays.set(step.stepId, {
        status: step.status as StepOverlay["status"],
        tokens: step.inputTokens + step.outputTokens,
        durationMs,
      });
    }
    onOverlays(overlays);
  }, [steps, onOverlays]);

  if (!detail.data || !state) return <SkeletonRows rows={2} />;
  const step = steps.find((s) => s.stepId === selectedId);
  return (
    <section aria-label="Run" className="space-y-3 border-b p-4">
      <div className="flex items-center gap-2">
        <h2 className="font-medium">Run</h2>
        <StatusBadge status={state.status} />
        <Link
          href={`/runs/${runId}`}
          className="ml-auto text-muted-foreground hover:text-foreground"
          aria-label="Open the run page"
          title="Open the run page"
        >
          <ExternalLink className="size-4" aria-hidden />
        </Link>
        <Button
          variant="ghost"
          size="sm"
          onClick={onClose}
          aria-label="Close the run"
          title="Close (clears the overlay)"
        >
          <X className="size-4" aria-hidden />
        </Button>
      </div>
      <RunActions runId={runId} status={state.status} />
      <FormError>{state.error?.message}</FormError>
      {step ? (
        <>
          <StepDetail step={step} steps={steps} runInput={detail.data.run.input} />
          {step.status === "completed" && step.hasOutput ? (
            <Button
              variant="secondary"
              size="sm"
              onClick={() => onPin(step.stepId, step.output)}
              disabled={pinned.has(step.stepId)}
            >
              <Pin className="size-4" aria-hidden />{" "}
              {pinned.has(step.stepId) ? "Output pinned" : "Pin this output for dry runs"}
            </Button>
          ) : null}
        </>
      ) : (
        <p className="text-sm text-muted-foreground">Select a node to see its step in this run.</p>
      )}
    </section>
  );
}
