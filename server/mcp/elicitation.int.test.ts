import { afterEach, describe, expect, it } from "vitest";
import type { ElicitationRequest, ElicitHandler } from "./elicitation";
import { McpToolError } from "./errors";
import { McpPool } from "./pool";
import { elicitServerSpec } from "./testing/servers";

// The run pool against a real SDK server (2025-11-25) that asks during its tool calls.

let pool: McpPool;
afterEach(async () => {
  await pool.closeAll();
});

/** A handler that records what it was asked and answers with `answer`. */
function answering(answer: Awaited<ReturnType<ElicitHandler>>) {
  const asked: ElicitationRequest[] = [];
  const handler: ElicitHandler = async (request) => {
    asked.push(request);
    return answer;
  };
  return { asked, handler };
}

const call = (tool: string, onElicit?: ElicitHandler, args: Record<string, unknown> = {}) =>
  pool.callTool(
    "t:elicit",
    "elicit",
    elicitServerSpec(),
    { tool, args },
    onElicit ? { onElicit } : {},
  );

describe("elicitation through the pool (2025-11-25)", () => {
  it("shows the call's handler the normalized form and sends its accepted answer to the server", async () => {
    pool = new McpPool();
    const { asked, handler } = answering({ action: "accept", content: { name: "Ada", count: 3 } });
    const result = await call("ask-form", handler);
    expect(result.content).toEqual([{ type: "text", text: "order for Ada x3" }]);
    expect(asked).toHaveLength(1);
    const [request] = asked;
    expect(request).toMatchObject({ mode: "form", message: "Who is ordering?" });
    if (request?.mode !== "form") return;
    expect(request.requestedSchema).toMatchObject({
      required: ["name", "count"],
      properties: {
        count: { type: "integer", minimum: 1, maximum: 5, default: 1 },
        colour: { type: "string", oneOf: [{ const: "red" }, { const: "blue" }] },
      },
    });
  });

  it("a decline reaches the server as a decline", async () => {
    pool = new McpPool();
    const { handler } = answering({ action: "decline" });
    const failure = await call("ask-form", handler).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(McpToolError);
    expect((failure as Error).message).toContain("no order: decline");
  });

  it("an answer that does not fit the form is not sent: the server hears an error", async () => {
    pool = new McpPool();
    const { handler } = answering({ action: "accept", content: { name: "A", count: 9 } });
    const failure = await call("ask-form", handler).catch((e: unknown) => e);
    expect((failure as Error).message).toMatch(/asking failed: .*invalid answer/);
    expect((failure as Error).message).toContain('"Count" must be at most 5');
  });

  it("refuses a nested form with a clear error to the server, without asking anyone", async () => {
    pool = new McpPool();
    const { asked, handler } = answering({ action: "accept", content: {} });
    const failure = await call("ask-nested", handler).catch((e: unknown) => e);
    expect(asked).toHaveLength(0);
    expect((failure as Error).message).toContain('requestedSchema refused: property "address"');
  });

  it("URL mode: the server's complete notification ends the wait as accepted, with no answer from anyone", async () => {
    pool = new McpPool();
    // A handler that never answers: only the notification can end the wait. (The notification may
    // even arrive before the request is handled; the wait then ends before it starts.)
    const handler: ElicitHandler = (_request, signal) =>
      new Promise((_, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason as Error));
      });
    const result = await call("ask-url", handler, { complete: true });
    expect(result.content).toEqual([{ type: "text", text: "payment accept" }]);
  });

  it("URL mode: the handler is shown the https URL, and its accept goes to the server", async () => {
    pool = new McpPool();
    const { asked, handler } = answering({ action: "accept", content: { card: "4111" } });
    const result = await call("ask-url", handler, { complete: false });
    expect(result.content).toEqual([{ type: "text", text: "payment accept" }]);
    expect(asked[0]).toMatchObject({
      mode: "url",
      url: expect.stringMatching(/^https:\/\/pay\.example\.com\//),
    });
  });

  it("a call nobody can answer for is refused, and the server says so", async () => {
    pool = new McpPool();
    const failure = await call("ask-form").catch((e: unknown) => e);
    expect((failure as Error).message).toContain("nobody can answer questions during this call");
  });

  it("waits for the person longer than the call's silence timeout", async () => {
    pool = new McpPool();
    let answer!: () => void;
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    const handler: ElicitHandler = () =>
      new Promise((done) => {
        answer = () => done({ action: "accept", content: { name: "Bo", count: 2 } });
        asked();
      });
    const pending = pool.callTool(
      "t:elicit",
      "elicit",
      elicitServerSpec(),
      { tool: "ask-form", args: {} },
      { onElicit: handler, timeoutMs: 300 },
    );
    await wasAsked;
    // Longer than the 300 ms silence timeout: the call's timer is held while the person answers.
    await new Promise((r) => setTimeout(r, 900));
    answer();
    await expect(pending).resolves.toMatchObject({ content: [{ text: "order for Bo x2" }] });
  });

  it("keeps waiting for the person when the server reports progress meanwhile", async () => {
    pool = new McpPool();
    let answer!: () => void;
    let asked!: () => void;
    let progressed!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    const hadProgress = new Promise<void>((resolve) => (progressed = resolve));
    const handler: ElicitHandler = () =>
      new Promise((done) => {
        answer = () => done({ action: "accept", content: { name: "Cy" } });
        asked();
      });
    const pending = pool.callTool(
      "t:elicit",
      "elicit",
      elicitServerSpec(),
      { tool: "ask-with-progress", args: {} },
      { onElicit: handler, onProgress: () => progressed(), timeoutMs: 300 },
    );
    await Promise.all([wasAsked, hadProgress]);
    // Longer than the 300 ms silence timeout after the progress: the person is still answering.
    await new Promise((r) => setTimeout(r, 900));
    answer();
    await expect(pending).resolves.toMatchObject({ content: [{ text: "hello Cy" }] });
  });

  it("with two calls in flight on the shared connection, a question is refused rather than shown to the wrong caller", async () => {
    pool = new McpPool();
    let askedA!: () => void;
    const aAsked = new Promise<void>((resolve) => (askedA = resolve));
    let answerA!: () => void;
    const first: ElicitHandler = () =>
      new Promise((done) => {
        answerA = () => done({ action: "accept", content: { name: "Ann", count: 1 } });
        askedA();
      });
    const a = call("ask-form", first);
    await aAsked; // only the first call was in flight: its question went to it
    const second = answering({ action: "accept", content: { name: "Bob", count: 1 } });
    const b = await call("ask-form", second.handler).catch((e: unknown) => e);
    expect(second.asked).toHaveLength(0);
    expect((b as Error).message).toContain("2 tool calls are in flight on this connection");
    answerA();
    await expect(a).resolves.toMatchObject({ content: [{ text: "order for Ann x1" }] });
  });
});
