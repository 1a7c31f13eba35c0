import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/engine/errors";
import type { InspectorEvent } from "./inspector-events";
import { InspectorSession } from "./inspector-session";
import { inspectorServerSpec, localStdioSpec, startEverythingHttp } from "./testing/servers";

/**
 * Inspector sessions against the real Everything server from node_modules (stdio and Streamable
 * HTTP: resources, templates, prompts, progress, cancel, logging, subscriptions) and a small test
 * server of ours for what Everything lacks (output that misses its schema, resource links).
 */

const sessions: InspectorSession[] = [];
async function open(spec = localStdioSpec("@modelcontextprotocol/server-everything")) {
  const session = new InspectorSession("everything", spec);
  await session.connect();
  sessions.push(session);
  return session;
}

/** Waits for the first event matching `match` (from the start of the session's log). */
async function eventMatching(
  session: InspectorSession,
  match: (event: InspectorEvent) => boolean,
  timeoutMs = 15_000,
): Promise<InspectorEvent> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), timeoutMs);
  try {
    for await (const event of session.events.follow(0, stop.signal)) if (match(event)) return event;
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  throw new Error("no matching event in time");
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
});

describe("an inspector session with the Everything server over stdio", () => {
  let session: InspectorSession;
  beforeAll(async () => {
    session = await open();
  });

  it("says what the server offers and which protocol revision it speaks", () => {
    const described = session.describe();
    expect(described.server?.name).toBe("mcp-servers/everything");
    expect(described.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(described.capabilities).toMatchObject({
      tools: true,
      resources: true,
      resourceSubscribe: true,
      prompts: true,
      logging: true,
    });
  });

  it("lists resources and templates with their variables, and reads text and blob contents", async () => {
    const resources = await session.listResources();
    expect(resources.length).toBeGreaterThan(0);
    const first = resources[0]!;
    const read = await session.readResource({ uri: first.uri });
    expect(read.contents[0]).toMatchObject({ uri: first.uri });

    const templates = await session.listResourceTemplates();
    const text = templates.find((t) => t.uriTemplate.includes("/text/"))!;
    expect(text.variables).toEqual(["resourceId"]);
    const fromTemplate = await session.readResource({
      uriTemplate: text.uriTemplate,
      values: { resourceId: "7" },
    });
    expect(fromTemplate.uri).toBe("demo://resource/dynamic/text/7");
    expect(fromTemplate.contents[0]).toMatchObject({ text: expect.stringContaining("Resource 7") });

    const blob = templates.find((t) => t.uriTemplate.includes("/blob/"))!;
    const binary = await session.readResource({
      uriTemplate: blob.uriTemplate,
      values: { resourceId: "2" },
    });
    const content = binary.contents[0] as { blob?: string };
    expect(Buffer.from(content.blob!, "base64").toString()).toContain("Resource 2");

    const missing = await refusal(
      session.readResource({ uriTemplate: text.uriTemplate, values: {} }),
    );
    expect(missing.code).toBe("INVALID_INPUT");
    expect(missing.message).toContain("{resourceId}");
  });

  it("gets a prompt with arguments and shows its messages; a missing required argument is named", async () => {
    const prompts = await session.listPrompts();
    const args = prompts.find((p) => p.name === "args-prompt")!;
    expect(args.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([
      ["city", true],
      ["state", false],
    ]);
    const got = await session.getPrompt("args-prompt", { city: "Lyon", state: "" });
    expect(got.messages[0]).toMatchObject({
      role: "user",
      content: { type: "text", text: "What's weather in Lyon?" },
    });
    const refused = await refusal(session.getPrompt("args-prompt", { state: "Rhône" }));
    expect(refused.code).toBe("INVALID_INPUT");
    expect(refused.message).toContain('"city" is required');
  });

  it("streams progress while a long tool runs, and records the call with its duration", async () => {
    const callId = randomUUID();
    const outcome = await session.callTool(callId, "trigger-long-running-operation", {
      duration: 1,
      steps: 4,
    });
    expect(outcome.status).toBe("done");
    const progress: InspectorEvent[] = [];
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 200);
    for await (const event of session.events.follow(0, stop.signal))
      if (event.type === "progress" && event.callId === callId) progress.push(event);
    // In order as they came; the last may cross the result on a busy machine (the SDK drops a
    // call's progress handler when its answer arrives).
    const seen = progress.map((p) => (p.type === "progress" ? [p.progress, p.total] : null));
    expect(seen.slice(0, 3)).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
    const call = await eventMatching(
      session,
      (e) =>
        e.type === "history" &&
        e.entry.method === "tools/call" &&
        e.entry.reply !== null &&
        JSON.stringify(e.entry.message).includes("trigger-long-running-operation"),
    );
    if (call.type !== "history") throw new Error("not a history event");
    expect(call.entry.direction).toBe("out");
    expect(call.entry.reply!.ms).toBeGreaterThanOrEqual(900);
    expect(call.entry.reply!.isError).toBe(false);
  });

  it("cancels a running call: the server is sent notifications/cancelled and the call ends as cancelled", async () => {
    const callId = randomUUID();
    const running = session.callTool(callId, "trigger-long-running-operation", {
      duration: 20,
      steps: 20,
    });
    await eventMatching(session, (e) => e.type === "progress" && e.callId === callId);
    expect(session.cancel(callId)).toBe(true);
    const outcome = await running;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.ms).toBeLessThan(10_000);
    await eventMatching(
      session,
      (e) =>
        e.type === "history" &&
        e.entry.direction === "out" &&
        e.entry.method === "notifications/cancelled",
    );
    expect(session.cancel(callId)).toBe(false);
  });

  it("sets the log level and shows the server's log messages", async () => {
    await session.setLogLevel("debug");
    expect(session.describe().logLevel).toBe("debug");
    await session.callTool(randomUUID(), "toggle-simulated-logging", {});
    const log = await eventMatching(session, (e) => e.type === "log");
    if (log.type !== "log") throw new Error("not a log event");
    expect(log.level).toMatch(/debug|info|notice|warning|error|critical|alert|emergency/);
    await session.callTool(randomUUID(), "toggle-simulated-logging", {});
  });

  it("subscribes to a resource and shows its updates", async () => {
    const [resource] = await session.listResources();
    await session.subscribe(resource!.uri);
    expect(session.describe().subscriptions).toEqual([resource!.uri]);
    await session.callTool(randomUUID(), "toggle-subscriber-updates", {});
    const updated = await eventMatching(session, (e) => e.type === "resource-updated");
    expect(updated).toMatchObject({ uri: resource!.uri });
    await session.callTool(randomUUID(), "toggle-subscriber-updates", {});
    await session.unsubscribe(resource!.uri);
    expect(session.describe().subscriptions).toEqual([]);
  });

  it("checks arguments against the tool's schema before sending", async () => {
    const refused = await refusal(session.callTool(randomUUID(), "get-sum", { a: "one" }));
    expect(refused.code).toBe("INVALID_INPUT");
    const unknown = await refusal(session.callTool(randomUUID(), "no-such-tool", {}));
    expect(unknown.code).toBe("NOT_FOUND");
  });

  it("judges structured output against the tool's output schema", async () => {
    const outcome = await session.callTool(randomUUID(), "get-structured-content", {
      location: "Chicago",
    });
    expect(outcome).toMatchObject({
      status: "done",
      structuredContent: { temperature: 36 },
      outputCheck: { status: "valid" },
    });
  });
});

describe("structured output that misses its schema, resource links and images (our test server)", () => {
  let session: InspectorSession;
  beforeAll(async () => {
    session = new InspectorSession("inspector-test", inspectorServerSpec());
    await session.connect();
    sessions.push(session);
  });

  it("says clearly when structured output does not match, or is missing", async () => {
    const good = await session.callTool(randomUUID(), "good-weather", {});
    expect(good).toMatchObject({ outputCheck: { status: "valid", message: null } });
    const bad = await session.callTool(randomUUID(), "bad-weather", {});
    expect(bad).toMatchObject({
      status: "done",
      isError: false,
      structuredContent: { temperature: "hot" },
      outputCheck: { status: "invalid" },
    });
    if (bad.status !== "done") throw new Error("not done");
    expect(bad.outputCheck.message).toMatch(/temperature|conditions/);
    const none = await session.callTool(randomUUID(), "no-weather", {});
    expect(none).toMatchObject({ outputCheck: { status: "missing" } });
  });

  it("hands resource links and images through as content", async () => {
    const outcome = await session.callTool(randomUUID(), "link-and-image", {});
    if (outcome.status !== "done") throw new Error("not done");
    expect(outcome.content.map((c) => (c as { type: string }).type)).toEqual([
      "text",
      "resource_link",
      "image",
    ]);
  });

  it("refuses what the server does not offer, by name", async () => {
    const refused = await refusal(session.listResources());
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toContain("does not offer resources");
    expect((await refusal(session.setLogLevel("info"))).message).toContain("logging");
  });
});

describe("an inspector session over Streamable HTTP", () => {
  it("reads a resource template, gets a prompt and streams progress over HTTP", async () => {
    const server = await startEverythingHttp("streamableHttp");
    try {
      const session = await open({ transport: "streamable-http", url: server.url, headers: {} });
      const read = await session.readResource({
        uriTemplate: "demo://resource/dynamic/text/{resourceId}",
        values: { resourceId: "3" },
      });
      expect(read.contents[0]).toMatchObject({ text: expect.stringContaining("Resource 3") });
      const prompt = await session.getPrompt("args-prompt", { city: "Oslo" });
      expect(JSON.stringify(prompt.messages)).toContain("Oslo");
      const callId = randomUUID();
      await session.callTool(callId, "trigger-long-running-operation", { duration: 0.4, steps: 2 });
      await eventMatching(
        session,
        (e) => e.type === "progress" && e.callId === callId && e.progress === 2,
      );
      await session.close();
      expect(session.isClosed).toBe(true);
    } finally {
      server.stop();
    }
  });
});
