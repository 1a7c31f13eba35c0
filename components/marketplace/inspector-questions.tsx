"use client";

import { useMutation } from "@tanstack/react-query";
import { ElicitationForm, type ElicitationQuestion } from "@/components/shared/elicitation-form";
import { useTRPC } from "@/components/trpc/react";
import type { InspectorQuestion } from "./use-inspector";

/**
 * What the server asks during a call (MCP elicitation), above the tabs so it is seen whichever is
 * open: the call waits until it is answered, declined or cancelled.
 */
export function InspectorQuestions({
  sessionId,
  server,
  questions,
}: {
  sessionId: string;
  server: string;
  questions: InspectorQuestion[];
}) {
  if (questions.length === 0) return null;
  return (
    <div className="space-y-3">
      {questions.map((q) => (
        <OneQuestion key={q.id} sessionId={sessionId} server={server} question={q} />
      ))}
    </div>
  );
}

function OneQuestion({
  sessionId,
  server,
  question,
}: {
  sessionId: string;
  server: string;
  question: InspectorQuestion;
}) {
  const trpc = useTRPC();
  const answer = useMutation(trpc.inspector.answer.mutationOptions());
  return (
    <ElicitationForm
      server={server}
      question={question.request as ElicitationQuestion}
      isPending={answer.isPending}
      error={answer.error?.message ?? null}
      onAnswer={(reply) => answer.mutate({ sessionId, questionId: question.id, answer: reply })}
    />
  );
}
