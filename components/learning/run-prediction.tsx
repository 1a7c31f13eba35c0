"use client";

import { useQuery } from "@tanstack/react-query";
import { Sparkles } from "lucide-react";
import { useTRPC } from "@/components/trpc/react";
import { describeForecast, describeForecastBasis, NO_HISTORY_YET } from "./format";

/**
 * What a run of the workflow is expected to do, from the tenant's history: duration with its
 * usual range, success with its uncertainty, tokens and cost, and the runs behind it. Shown beside
 * the run form, never in its way: while it loads or if it fails the form works as before.
 */
export function RunPrediction({ workflowId, draft }: { workflowId: string; draft?: boolean }) {
  const trpc = useTRPC();
  const prediction = useQuery({
    ...trpc.learning.predict.queryOptions({ workflowId, draft }),
    retry: false,
    staleTime: 10_000,
  });
  if (prediction.isError) return null;
  const data = prediction.data;
  const parts = data ? describeForecast(data.prediction) : null;
  const basis = data ? describeForecastBasis(data.prediction, { draft: data.draft }) : null;
  return (
    <div
      data-testid="run-prediction"
      aria-live="polite"
      className="mb-4 flex items-start gap-2 rounded-md bg-muted/60 px-3 py-2 text-xs text-muted-foreground"
    >
      <Sparkles className="mt-0.5 size-3.5 shrink-0" aria-hidden />
      <div>
        {!data ? (
          <p>Estimating from past runs…</p>
        ) : !parts ? (
          <p>{NO_HISTORY_YET}</p>
        ) : (
          <>
            <p>
              Expected: <span data-testid="run-prediction-figures">{parts.join(" · ")}</span>
            </p>
            {basis ? (
              <p data-testid="run-prediction-basis">{basis[0]!.toUpperCase() + basis.slice(1)}</p>
            ) : null}
          </>
        )}
      </div>
    </div>
  );
}
