"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Star } from "lucide-react";
import { useState } from "react";
import { useMe } from "@/components/shared/use-me";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/states";

const STARS = [1, 2, 3, 4, 5] as const;
/** How long after a run ends its outcome is surely stored (flushed every second). */
const OUTCOME_STORED_MS = 3_000;
const WORDS: Record<number, string> = {
  1: "poor",
  2: "weak",
  3: "fair",
  4: "good",
  5: "excellent",
};

/**
 * "Rate this run", 1–5, for a finished run; for those with workflow.run. The rating joins the
 * strategy's running mean on the Learning page. A run's outcome is stored a couple of seconds
 * after it ends (the server flushes outcomes every second), so a rating given at once waits for it,
 * and is retried should it still be missing.
 */
export function RunRating({ runId, finishedAt }: { runId: string; finishedAt: number | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  // A rating given earlier (another visit, another person) shows until this page gives one.
  const stored = useQuery({
    ...trpc.learning.outcome.queryOptions({ runId }),
    enabled: can("workflow.run"),
  });
  const [given, setRating] = useState<number | null>(null);
  const rating = given ?? stored.data?.rating ?? null;
  const [hovered, setHovered] = useState<number | null>(null);
  const options = trpc.learning.rate.mutationOptions({
    retry: (count, error) => errorCode(error) === "NOT_FOUND" && count < 5,
    retryDelay: 1_000,
    onSuccess: (outcome) => {
      setRating(outcome.rating);
      void queryClient.invalidateQueries({ queryKey: trpc.learning.pathKey() });
    },
  });
  const rate = useMutation({
    ...options,
    // A rating given the moment the run ends waits for its outcome to be stored rather than be refused.
    mutationFn: async (...args) => {
      const wait =
        finishedAt == null
          ? 0
          : Math.min(OUTCOME_STORED_MS, finishedAt + OUTCOME_STORED_MS - Date.now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return options.mutationFn!(...args);
    },
  });
  if (!can("workflow.run")) return null;
  const shown = hovered ?? rate.variables?.rating ?? rating ?? 0;

  return (
    <section
      aria-labelledby="rate-run-title"
      className="mb-4 flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border bg-card px-4 py-3"
    >
      <h2 id="rate-run-title" className="text-sm font-semibold">
        Rate this run
      </h2>
      <div
        role="group"
        aria-labelledby="rate-run-title"
        className="flex items-center"
        onMouseLeave={() => setHovered(null)}
      >
        {STARS.map((n) => (
          <button
            key={n}
            type="button"
            aria-label={`${n} of 5 (${WORDS[n]})`}
            aria-pressed={rating === n}
            disabled={rate.isPending}
            onClick={() => rate.mutate({ runId, rating: n })}
            onMouseEnter={() => setHovered(n)}
            onFocus={() => setHovered(n)}
            onBlur={() => setHovered(null)}
            className="rounded p-0.5 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring disabled:cursor-wait"
          >
            <Star
              className={cn(
                "size-5",
                n <= shown ? "fill-amber-400 text-amber-500" : "text-muted-foreground",
              )}
              aria-hidden
            />
          </button>
        ))}
      </div>
      <p className="text-sm text-muted-foreground" aria-live="polite">
        {rate.isPending ? (
          <span className="inline-flex items-center gap-2">
            <Spinner label="Saving the rating" /> Saving…
          </span>
        ) : rate.isError ? (
          <span role="alert" className="text-danger">
            {rate.error.message}
          </span>
        ) : rating != null ? (
          <span data-testid="run-rating">
            Rated {rating} of 5 ({WORDS[rating]}). It counts towards this strategy&apos;s rating on
            the Learning page.
          </span>
        ) : (
          "How good was the result? Ratings show on the Learning page next to each strategy."
        )}
      </p>
    </section>
  );
}
