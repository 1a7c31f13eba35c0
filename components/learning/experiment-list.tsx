"use client";

import { useQuery } from "@tanstack/react-query";
import { FlaskConical, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { dateTimeFormat } from "@/components/shared/run-format";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState, ErrorState, SkeletonRows } from "@/components/ui/states";
import { ExperimentStatusBadge } from "./experiment-status-badge";
import { NewExperimentDialog } from "./new-experiment-dialog";
import type { ExperimentItem } from "./types";
import { describeVerdict } from "./verdict";

/** The tenant's A/B experiments, newest first, with their verdict now; "New experiment" for editors. */
export function ExperimentList({ workflows }: { workflows: { id: string; name: string }[] }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const list = useQuery(trpc.learning.experiments.queryOptions());
  const [isCreating, setCreating] = useState(false);
  const nameOf = (id: string) => workflows.find((w) => w.id === id)?.name;

  return (
    <section aria-labelledby="experiments-title">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id="experiments-title" className="text-lg font-semibold">
          Experiments
        </h2>
        {can("workflow.edit") ? (
          <Button variant="secondary" size="sm" onClick={() => setCreating(true)}>
            <Plus className="size-4" aria-hidden />
            New experiment
          </Button>
        ) : null}
      </div>
      {list.isPending ? (
        <SkeletonRows rows={2} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState icon={FlaskConical} title="No experiments yet">
          <p className="max-w-md text-sm text-muted-foreground">
            An experiment sends a workflow&apos;s runs to two of its published versions and tells
            you which one succeeds more often, and how sure that is.
          </p>
        </EmptyState>
      ) : (
        <ul aria-label="Experiments" className="divide-y rounded-xl border bg-card">
          {list.data.map((experiment) => (
            <ExperimentRow
              key={experiment.id}
              experiment={experiment}
              workflowName={experiment.workflowName ?? nameOf(experiment.workflowId)}
            />
          ))}
        </ul>
      )}
      {isCreating ? (
        <NewExperimentDialog workflows={workflows} onClose={() => setCreating(false)} />
      ) : null}
    </section>
  );
}

function ExperimentRow({
  experiment,
  workflowName,
}: {
  experiment: ExperimentItem;
  workflowName: string | undefined;
}) {
  const verdict = describeVerdict(experiment);
  const [a, b] = experiment.arms;
  return (
    <li
      data-testid="experiment-row"
      className="grid grid-cols-[minmax(0,1fr)_auto] items-center gap-x-4 gap-y-1 px-4 py-3 md:grid-cols-[minmax(0,1fr)_minmax(0,1.3fr)_auto]"
    >
      <div className="min-w-0">
        <Link
          href={`/learning/experiments/${experiment.id}`}
          className="block truncate font-medium hover:underline"
        >
          {experiment.name}
        </Link>
        <p className="truncate text-xs text-muted-foreground">
          {workflowName ?? "A workflow"} · {a?.label} vs {b?.label} · {a?.runs ?? 0} +{" "}
          {b?.runs ?? 0} runs · started {dateTimeFormat.format(experiment.createdAt)}
        </p>
      </div>
      <p className="col-span-2 min-w-0 text-sm md:col-span-1">
        <span
          className={cn(
            "font-medium",
            verdict.tone === "winner" && "text-emerald-700 dark:text-emerald-400",
          )}
        >
          {verdict.headline}
        </span>
        <span className="block truncate text-xs text-muted-foreground" title={verdict.detail}>
          {verdict.detail}
        </span>
      </p>
      <ExperimentStatusBadge
        status={experiment.status}
        className="row-start-1 justify-self-end md:row-auto"
      />
    </li>
  );
}
