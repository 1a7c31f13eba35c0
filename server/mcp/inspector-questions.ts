import { randomUUID } from "node:crypto";
import { AppError, conflict } from "@/engine/errors";
import {
  checkElicitationAnswer,
  type ElicitationAnswer,
  type ElicitationRequest,
  type ElicitHandler,
} from "./elicitation";
import type { InspectorEventLog } from "./inspector-events";

/** A question a server asks during a tool runner call, as the browser shows it. */
export type InspectorQuestion = {
  id: string;
  /** The call it belongs to when one call was running (the tool runner runs one at a time). */
  callId: string | null;
  request: ElicitationRequest;
  askedAt: number;
  expiresAt: number;
};

export type QuestionOutcome = "accept" | "decline" | "cancel" | "timeout" | "ended" | "completed";

/** How long the tool runner waits for its person before it tells the server "cancel". */
export const INSPECTOR_QUESTION_TIMEOUT_MS = 10 * 60_000;

/**
 * The tool runner's open questions (MCP elicitation): each goes into the session's event log
 * (`elicitation`), waits for `answer` from the browser, and its end is logged too
 * (`elicitation-ended`). Answers are checked against the request; what was typed is passed to the
 * server and kept nowhere (the JSON-RPC history the session shows records the reply it sent).
 */
export class InspectorQuestions {
  private readonly open = new Map<
    string,
    {
      question: InspectorQuestion;
      settle: (answer: ElicitationAnswer, outcome: QuestionOutcome) => void;
    }
  >();

  constructor(
    private readonly events: InspectorEventLog,
    private readonly runningCallId: () => string | null,
    private readonly timeoutMs = INSPECTOR_QUESTION_TIMEOUT_MS,
  ) {}

  /** The ElicitHandler the session's client answers with. */
  readonly ask: ElicitHandler = (request, signal) =>
    new Promise((resolve) => {
      const now = Date.now();
      const question: InspectorQuestion = {
        id: randomUUID(),
        callId: this.runningCallId(),
        request,
        askedAt: now,
        expiresAt: now + this.timeoutMs,
      };
      const timer = setTimeout(() => settle({ action: "cancel" }, "timeout"), this.timeoutMs);
      const onAbort = () =>
        settle(
          {
            action:
              signal.reason instanceof Error && signal.reason.name === "ElicitationCompleted"
                ? "accept"
                : "cancel",
          },
          signal.reason instanceof Error && signal.reason.name === "ElicitationCompleted"
            ? "completed"
            : "ended",
        );
      const settle = (answer: ElicitationAnswer, outcome: QuestionOutcome) => {
        if (!this.open.delete(question.id)) return;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.events.push({ type: "elicitation-ended", questionId: question.id, outcome });
        resolve(answer);
      };
      this.open.set(question.id, { question, settle });
      signal.addEventListener("abort", onAbort, { once: true });
      this.events.push({ type: "elicitation", question });
    });

  /** The questions waiting now (a page that reconnects shows them again). */
  list(): InspectorQuestion[] {
    return [...this.open.values()].map((o) => o.question);
  }

  /** The person's answer; one that does not fit the form is refused with what is wrong. */
  answer(id: string, raw: unknown): { action: ElicitationAnswer["action"] } {
    const open = this.open.get(id);
    if (!open)
      throw conflict("This question is no longer open (it was answered or its call ended).");
    const checked = checkElicitationAnswer(open.question.request, raw);
    if (!checked.ok)
      throw new AppError(
        "INVALID_INPUT",
        `The answer does not fit: ${checked.problems.join("; ")}`,
        {
          problems: checked.problems,
        },
      );
    open.settle(checked.answer, checked.answer.action);
    return { action: checked.answer.action };
  }

  /** Ends the questions of a call the person cancelled. */
  endCall(callId: string) {
    for (const { question, settle } of [...this.open.values()])
      if (question.callId === callId) settle({ action: "cancel" }, "ended");
  }

  /** Ends every open question (the session closes). */
  endAll() {
    for (const { settle } of [...this.open.values()]) settle({ action: "cancel" }, "ended");
  }
}
