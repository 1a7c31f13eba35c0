"use client";

import { useQuery } from "@tanstack/react-query";
import { Sparkles } from "lucide-react";
import { useTRPC } from "@/components/trpc/react";
import { describePrediction, NO_HISTORY_YET } from "./format";

/**
 * What a run of the workflow is expected to do, from the tenant's history, in one line. Shown
 * beside the run form, never in its way: while it loads or if it fails the form works as before.
 */
export function RunPrediction({ workflowId, draft }: { workflowId: string; draft?: boolean }) {
  const trpc = useTRPC();
  const prediction = useQuery({
    ...trpc.learning.predict.queryOptions({ workflowId, draft }),
    retry: false,
    staleTime: 10_000,
  });
  if (prediction.isError) return null;
  const text = prediction.data
    ? (describePrediction(prediction.data.prediction) ?? NO_HISTORY_YET)
    : null;
  return (
    <p
      data-testid="run-prediction"
      aria-live="polite"
      className="mb-4 flex items-start gap-2 rounded-md bg-muted/60 px-3 py-2 text-xs text-muted-foreground"
    >
      <Sparkles className="mt-0.5 size-3.5 shrink-0" aria-hidden />
      <span>{text ?? "Estimating from past runs…"}</span>
    </p>
  );
}
