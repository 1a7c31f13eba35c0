"use client";

import { useSubscription } from "@trpc/tanstack-react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useCallback, useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["inspector"];
export type InspectorSessionInfo = Outputs["openInstallation"];
export type InspectorEvent =
  Outputs["events"] extends AsyncIterable<infer E> ? (E extends { data: infer D } ? D : E) : never;
export type HistoryEntry = Extract<InspectorEvent, { type: "history" }>["entry"];
export type CallOutcome = Outputs["callTool"];
export type ResourceRead = Outputs["readResource"];
export type PromptAnswer = Outputs["getPrompt"];
export type InspectorQuestion = Extract<InspectorEvent, { type: "elicitation" }>["question"];

export type LiveProgress = { progress: number; total: number | null; message: string | null };
export type LiveLine = { id: number; at: number } & (
  | { kind: "log"; level: string; logger: string | null; data: unknown }
  | { kind: "stderr"; text: string }
  | { kind: "resource-updated"; uri: string }
  | { kind: "list-changed"; list: string }
);

const KEEP_HISTORY = 400;
const KEEP_LINES = 300;

export type InspectorState = {
  history: HistoryEntry[];
  progress: Record<string, LiveProgress>;
  lines: LiveLine[];
  closedReason: string | null;
  /** Questions the server asks during calls, until they are answered or end. */
  questions: InspectorQuestion[];
};

const empty: InspectorState = {
  history: [],
  progress: {},
  lines: [],
  closedReason: null,
  questions: [],
};

/** Folds one event into what the panels show: history entries by seq (a reply replaces its request), progress per call, log lines. */
export function foldEvent(state: InspectorState, event: InspectorEvent): InspectorState {
  switch (event.type) {
    case "history": {
      const at = state.history.findIndex((h) => h.seq === event.entry.seq);
      const history =
        at >= 0
          ? state.history.map((h, i) => (i === at ? event.entry : h))
          : [...state.history, event.entry].slice(-KEEP_HISTORY);
      return { ...state, history };
    }
    case "progress":
      return {
        ...state,
        progress: {
          ...state.progress,
          [event.callId]: { progress: event.progress, total: event.total, message: event.message },
        },
      };
    case "closed":
      return { ...state, closedReason: event.reason, questions: [] };
    case "elicitation":
      return state.questions.some((q) => q.id === event.question.id)
        ? state
        : { ...state, questions: [...state.questions, event.question] };
    case "elicitation-ended":
      return { ...state, questions: state.questions.filter((q) => q.id !== event.questionId) };
    case "log":
      return addLine(state, {
        kind: "log",
        id: event.id,
        at: event.at,
        level: event.level,
        logger: event.logger,
        data: event.data,
      });
    case "stderr":
      return addLine(state, { kind: "stderr", id: event.id, at: event.at, text: event.text });
    case "resource-updated":
      return addLine(state, {
        kind: "resource-updated",
        id: event.id,
        at: event.at,
        uri: event.uri,
      });
    case "list-changed":
      return addLine(state, { kind: "list-changed", id: event.id, at: event.at, list: event.list });
  }
}

function addLine(state: InspectorState, line: LiveLine): InspectorState {
  return { ...state, lines: [...state.lines, line].slice(-KEEP_LINES) };
}

/** The session's live events (history, progress, logs) over the app's SSE subscription, resumed after the last one seen. */
export function useInspectorEvents(sessionId: string) {
  const trpc = useTRPC();
  const [state, setState] = useState<InspectorState>(empty);
  const onData = useCallback((tracked: { id: string; data: InspectorEvent }) => {
    setState((current) => foldEvent(current, tracked.data));
  }, []);
  const subscription = useSubscription(
    trpc.inspector.events.subscriptionOptions({ sessionId }, { onData }),
  );
  return { ...state, status: subscription.status, error: subscription.error };
}
