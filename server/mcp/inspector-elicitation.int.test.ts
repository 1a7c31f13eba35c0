import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { InspectorSession } from "./inspector-session";
import type { InspectorQuestion } from "./inspector-questions";
import { elicitServerSpec } from "./testing/servers";

// The tool runner's session against a real SDK server (2025-11-25) that asks during its calls.

let session: InspectorSession;
afterEach(async () => {
  await session?.close();
});

async function connected() {
  session = new InspectorSession("elicit-test", elicitServerSpec());
  await session.connect();
  return session;
}

/** The next question the session shows (waiting on its event log, not on time). */
async function nextQuestion(s: InspectorSession, after = 0): Promise<InspectorQuestion> {
  for await (const event of s.events.follow(after))
    if (event.type === "elicitation") return event.question;
  throw new Error("the session ended without a question");
}

const textOf = (outcome: Awaited<ReturnType<InspectorSession["callTool"]>>) =>
  outcome.status === "done" ? (outcome.content as { text: string }[])[0]?.text : outcome.status;

describe("tool runner: a server asks during a call", () => {
  it("advertises elicitation, shows the form, refuses an answer that does not fit, and sends one that does", async () => {
    const s = await connected();
    let init: unknown;
    for await (const e of s.events.follow(0))
      if (e.type === "history" && e.entry.method === "initialize") {
        init = e.entry.message;
        break;
      }
    expect(JSON.stringify(init)).toContain('"elicitation":{"form":{},"url":{}}');
    const callId = randomUUID();
    const call = s.callTool(callId, "ask-form", {});
    const question = await nextQuestion(s);
    expect(question).toMatchObject({
      callId,
      request: { mode: "form", message: "Who is ordering?" },
    });
    expect(s.questions.list()).toHaveLength(1);

    expect(() =>
      s.questions.answer(question.id, { action: "accept", content: { name: "Ada", count: 9 } }),
    ).toThrow(/"Count" must be at most 5/);
    expect(() =>
      s.questions.answer(question.id, { action: "accept", content: { count: 2 } }),
    ).toThrow(/"Name" is required/);
    s.questions.answer(question.id, { action: "accept", content: { name: "Ada", count: 2 } });
    expect(textOf(await call)).toBe("order for Ada x2");
    expect(s.questions.list()).toHaveLength(0);
  });

  it("a decline reaches the server, and the call shows its answer", async () => {
    const s = await connected();
    const call = s.callTool(randomUUID(), "ask-form", {});
    const question = await nextQuestion(s);
    s.questions.answer(question.id, { action: "decline" });
    const outcome = await call;
    // The browser hears that the question ended, by its id.
    let ended: unknown;
    for await (const e of s.events.follow(0))
      if (e.type === "elicitation-ended") {
        ended = e;
        break;
      }
    expect(ended).toMatchObject({ questionId: question.id, outcome: "decline" });
    expect(outcome).toMatchObject({ status: "done", isError: true });
    expect(textOf(outcome)).toBe("no order: decline");
  });

  it("URL mode: shows the URL and waits for the person's Done", async () => {
    const s = await connected();
    const call = s.callTool(randomUUID(), "ask-url", { complete: false });
    const question = await nextQuestion(s);
    expect(question.request).toMatchObject({
      mode: "url",
      url: expect.stringMatching(/^https:\/\/pay\.example\.com\/confirm\//),
    });
    // URL mode never carries content back, whatever the browser sends.
    s.questions.answer(question.id, { action: "accept", content: { card: "4111" } });
    expect(textOf(await call)).toBe("payment accept");
  });

  it("cancelling the call ends its question", async () => {
    const s = await connected();
    const callId = randomUUID();
    const call = s.callTool(callId, "ask-form", {});
    const question = await nextQuestion(s);
    s.cancel(callId);
    expect(await call).toMatchObject({ status: "cancelled" });
    expect(() => s.questions.answer(question.id, { action: "decline" })).toThrow(/no longer open/);
  });
});
