"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback } from "react";
import { ElicitationForm, type ElicitationQuestion } from "@/components/shared/elicitation-form";
import { dateTimeFormat } from "@/components/shared/run-format";
import { useRunsChanged } from "@/components/shared/use-runs-live";
import { useTRPC } from "@/components/trpc/react";
import type { StepQuestion } from "./run-state";

/**
 * A question a tool's server asks during a running step (MCP elicitation): the step waits, live,
 * until someone with the right to decide approvals answers it (run.answerElicitation).
 */
export function StepQuestionForm({
  runId,
  stepId,
  question,
  canAnswer,
}: {
  runId: string;
  stepId: string;
  question: StepQuestion;
  canAnswer: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const answer = useMutation(
    trpc.run.answerElicitation.mutationOptions({
      onSuccess: () =>
        void queryClient.invalidateQueries({ queryKey: trpc.run.questions.pathKey() }),
    }),
  );
  return (
    <div className="space-y-1">
      <p className="text-xs text-muted-foreground">
        Step <span className="font-mono">{stepId}</span> waits for an answer ({question.server}/
        {question.tool}), until {dateTimeFormat.format(question.expiresAt)}.
      </p>
      {canAnswer ? (
        <ElicitationForm
          server={question.server}
          question={question.request as ElicitationQuestion}
          isPending={answer.isPending || answer.isSuccess}
          error={answer.error?.message ?? null}
          onAnswer={(reply) => answer.mutate({ runId, key: question.key, answer: reply })}
        />
      ) : (
        <p className="text-sm">
          {question.server} asks: {String(question.request.message ?? "")} (someone who may decide
          approvals can answer)
        </p>
      )}
    </div>
  );
}

/** The open questions of the tenant's running runs, for the approvals inbox; live. */
export function OpenStepQuestions({ canAnswer }: { canAnswer: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const questions = useQuery(trpc.run.questions.queryOptions());
  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: trpc.run.questions.pathKey() }),
    [queryClient, trpc],
  );
  useRunsChanged(refresh);
  const items = questions.data ?? [];
  if (items.length === 0) return null;
  return (
    <section aria-label="Questions from tools" className="mb-4 space-y-3">
      <h2 className="text-sm font-semibold">Questions from tools</h2>
      <ul className="space-y-3">
        {items.map((q) => (
          <li key={q.key} className="space-y-2 rounded-xl border bg-card p-4">
            <Link href={`/runs/${q.runId}`} className="font-medium hover:underline">
              {q.workflowName}
            </Link>
            <StepQuestionForm
              runId={q.runId}
              stepId={q.stepId}
              question={q}
              canAnswer={canAnswer}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
