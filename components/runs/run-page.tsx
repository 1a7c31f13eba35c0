"use client";

import { Activity, ArrowLeft } from "lucide-react";
import Link from "next/link";
import { useMemo, useState } from "react";
import { RunForecastCheck, RunRating } from "@/components/learning";
import { useMe } from "@/components/shared/use-me";
import { cn } from "@/components/ui/cn";
import { EmptyState, ErrorState, SkeletonRows } from "@/components/ui/states";
import { errorCode } from "@/components/trpc/react";
import { ApprovalForm } from "./approval-form";
import { StepQuestionForm } from "./step-questions";
import { JsonView } from "./json-view";
import { orderSteps } from "./ordered-steps";
import { RunActions } from "./run-actions";
import { RunDebugger } from "./run-debugger";
import { RunHeader } from "./run-header";
import { RunTimeline } from "./run-timeline";
import { StepDetail } from "./step-detail";
import { StepList } from "./step-list";
import { useRunLive } from "./use-run-live";

type Tab = "steps" | "debugger";

/** One run: header and actions, a live timeline, its steps, approvals and a step-by-step debugger. */
export function RunPage({ runId }: { runId: string }) {
  const { detail, state, storedCount } = useRunLive(runId);
  // The plan this run executed (its version's), so names and order match what ran.
  const plan = detail.data?.plan ?? null;
  const { can } = useMe();
  const [tab, setTab] = useState<Tab>("steps");
  const [picked, setPicked] = useState<string | null>(null);
  const steps = useMemo(() => (state ? orderSteps(plan, state) : []), [plan, state]);

  if (detail.isPending) return <SkeletonRows rows={6} />;
  if (detail.isError) {
    return errorCode(detail.error) === "NOT_FOUND" ? (
      <EmptyState icon={Activity} title="Run not found">
        <Link href="/runs" className="text-sm underline underline-offset-2">
          Back to runs
        </Link>
      </EmptyState>
    ) : (
      <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />
    );
  }
  const { run } = detail.data;
  const status = state?.status ?? run.status;
  const isLive = status === "queued" || status === "running";
  const sum = (pick: (s: (typeof steps)[number]) => number) =>
    steps.reduce((total, s) => total + pick(s), 0);
  const selected =
    steps.find((s) => s.stepId === picked) ??
    steps.find((s) => s.status === "failed") ??
    steps.at(-1) ??
    null;
  const error = state?.error ?? run.error;
  // Steps whose tool's server asks a person now (elicitation): they wait for the answer.
  const asking = isLive && state ? [...state.steps.values()].filter((s) => s.asking) : [];

  return (
    <>
      <Link
        href="/runs"
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden /> Runs
      </Link>
      <RunHeader
        run={{
          id: run.id,
          status,
          workflowName: run.workflowName,
          startedByName: run.startedByName ?? "A former member",
          createdAt: run.createdAt,
          durationMs:
            run.durationMs ??
            (state?.startedAt != null && state.finishedAt != null
              ? state.finishedAt - state.startedAt
              : null),
          inputTokens: Math.max(
            run.inputTokens,
            sum((s) => s.inputTokens),
          ),
          outputTokens: Math.max(
            run.outputTokens,
            sum((s) => s.outputTokens),
          ),
          costUsd: Math.max(
            run.costUsd,
            sum((s) => s.costUsd),
          ),
          unpricedTokens: Math.max(
            run.unpricedTokens,
            sum((s) => s.unpricedTokens),
          ),
          isDraft: run.isDraft,
          retryOf: run.retryOf,
          trigger: run.trigger,
          triggerId: run.triggerId,
        }}
        actions={<RunActions runId={run.id} workflowId={run.workflowId} status={status} />}
      />

      {status === "completed" || status === "failed" ? (
        <>
          <RunRating
            runId={run.id}
            finishedAt={state?.finishedAt ?? run.finishedAt?.getTime() ?? null}
          />
          <RunForecastCheck
            runId={run.id}
            finishedAt={state?.finishedAt ?? run.finishedAt?.getTime() ?? null}
            draft={run.isDraft}
          />
        </>
      ) : null}
      {error && status !== "completed" ? (
        <div
          role="alert"
          className="mb-4 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm"
        >
          <span className="font-mono text-xs text-danger">{error.code}</span> {error.message}
        </div>
      ) : null}
      {status === "waiting" && state?.waitingFor.length ? (
        <section className="mb-4 space-y-2" aria-label="Waiting for a decision">
          {state.waitingFor.map((wait) => (
            <ApprovalForm
              key={wait.stepId}
              runId={run.id}
              wait={wait}
              canDecide={can("run.approve")}
            />
          ))}
        </section>
      ) : null}

      {asking.length > 0 ? (
        <section className="mb-4 space-y-3" aria-label="Questions from tools">
          {asking.map((step) => (
            <StepQuestionForm
              key={step.asking!.key}
              runId={run.id}
              stepId={step.stepId}
              question={step.asking!}
              canAnswer={can("run.approve")}
            />
          ))}
        </section>
      ) : null}

      <section className="mb-6 rounded-xl border bg-card p-4" aria-labelledby="timeline-title">
        <h2 id="timeline-title" className="mb-3 text-sm font-semibold">
          Timeline
        </h2>
        <RunTimeline
          steps={steps}
          reusedBefore={run.retryOf ? run.createdAt.getTime() : null}
          isLive={isLive}
          selected={selected?.stepId ?? null}
          onSelect={setPicked}
        />
      </section>

      <div role="tablist" aria-label="Run views" className="mb-4 flex gap-1 border-b">
        {(["steps", "debugger"] as const).map((name) => (
          <button
            key={name}
            role="tab"
            type="button"
            aria-selected={tab === name}
            onClick={() => setTab(name)}
            className={cn(
              "-mb-px border-b-2 px-3 py-2 text-sm capitalize",
              tab === name
                ? "border-primary font-medium"
                : "border-transparent text-muted-foreground",
            )}
          >
            {name}
          </button>
        ))}
      </div>

      {tab === "steps" ? (
        <div className="grid gap-4 lg:grid-cols-[20rem_1fr]">
          <div className="space-y-4">
            <StepList steps={steps} selected={selected?.stepId ?? null} onSelect={setPicked} />
            {status === "completed" ? (
              <section aria-label="Run output" className="space-y-1.5">
                <h2 className="text-sm font-semibold">Output</h2>
                <JsonView value={state?.output ?? run.output} label="Run output" />
              </section>
            ) : null}
          </div>
          {selected ? (
            <StepDetail
              step={selected}
              steps={steps}
              runInput={run.input}
              rerunOf={!isLive && status !== "waiting" && can("workflow.edit") ? run.id : null}
            />
          ) : (
            <p className="text-sm text-muted-foreground">No steps yet.</p>
          )}
        </div>
      ) : (
        <RunDebugger runId={run.id} plan={plan} eventCount={storedCount} />
      )}
    </>
  );
}
