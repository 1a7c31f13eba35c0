import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CallToolResultSchema, ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/engine/errors";
import { InspectorSession } from "./inspector-session";
import type { LaunchSpec } from "./launch";
import { openModernTransport } from "./modern-transport";
import { startModernServer, type ModernTestServer } from "./testing/modern-server";
import { freePort } from "./testing/servers";

// The tool runner (an inspector session on our SDK's 1.x client) against a 2026-07-28-only server:
// the transport answers the client's initialize from server/discover and speaks 2026-07-28 on the
// wire, so listing, calling, progress, cancel, prompts, elicitation and resource subscriptions
// (subscriptions/listen) work as with a 2025 server.

let server: ModernTestServer;
const sessions: InspectorSession[] = [];
const spec = (): LaunchSpec => ({ transport: "streamable-http", url: server.url, headers: {} });

beforeAll(async () => {
  server = await startModernServer();
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  await server?.close();
});

async function open() {
  const session = new InspectorSession("modern", spec());
  await session.connect();
  sessions.push(session);
  return session;
}

describe("the tool runner on a 2026-07-28 server", () => {
  it("connects without initialize on the wire, says 2026-07-28, and lists and calls tools with progress", async () => {
    const session = await open();
    expect(session.protocolVersion).toBe("2026-07-28");
    expect(server.seen.some((s) => s.startsWith("initialize"))).toBe(false);
    expect((await session.listTools()).map((t) => t.name)).toContain("add");

    const sum = await session.callTool("c1", "add", { a: 20, b: 22 });
    expect(sum).toMatchObject({
      status: "done",
      isError: false,
      structuredContent: { sum: 42 },
      outputCheck: { status: "valid" },
    });
    await session.callTool("c2", "count", { to: 2 });
    const progress: number[] = [];
    for await (const event of session.events.follow(0)) {
      if (event.type === "progress" && event.callId === "c2") progress.push(event.progress);
      if (progress.length === 2) break;
    }
    expect(progress).toEqual([1, 2]);

    const region = await session.callTool("c3", "in_region", { region: "us-west1" });
    expect(JSON.stringify(region)).toContain("region us-west1, header us-west1");
  });

  it("lists prompts and gets one", async () => {
    const session = await open();
    expect((await session.listPrompts()).map((p) => p.name)).toEqual(["greet"]);
    expect((await session.getPrompt("greet", {}))?.messages).toEqual([
      { role: "user", content: { type: "text", text: "hello" } },
    ]);
  });

  it("a cancel from the tool runner hangs up the request, which the server hears", async () => {
    const session = await open();
    const call = session.callTool("slow", "wait", { ms: 20_000 });
    await expect.poll(() => server.seen.includes("tools/call@2026-07-28")).toBe(true);
    await expect.poll(() => session.cancel("slow")).toBe(true);
    expect(await call).toMatchObject({ status: "cancelled" });
    await expect.poll(() => server.seen.includes("wait:cancelled")).toBe(true);
  });

  it("an input_required elicitation reaches the client's elicitation/create handler, and the call completes with the answer", async () => {
    const transport = await openModernTransport(spec(), { connectTimeoutMs: 10_000 });
    expect(transport?.protocolVersion).toBe("2026-07-28");
    const client = new Client(
      { name: "t", version: "1" },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked: unknown[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params);
      return { action: "accept", content: { confirm: true } };
    });
    await client.connect(transport!);
    try {
      const result = await client.request(
        { method: "tools/call", params: { name: "deploy", arguments: { env: "staging" } } },
        CallToolResultSchema,
      );
      expect(result.content).toEqual([{ type: "text", text: "deployed to staging after round 1" }]);
      expect(asked).toEqual([expect.objectContaining({ message: "Deploy to staging?" })]);
    } finally {
      await client.close();
    }
  });

  it("a server that was down at the first connection is asked again once it is up, not taken for a 2025 one", async () => {
    const port = await freePort();
    const later: LaunchSpec = {
      transport: "streamable-http",
      url: `http://127.0.0.1:${port}/mcp`,
      headers: {},
    };
    const down = new InspectorSession("later", later);
    await expect(down.connect({ connectTimeoutMs: 5_000 })).rejects.toThrow(/could not/);
    const up = await startModernServer({ port });
    try {
      const session = new InspectorSession("later", later);
      sessions.push(session);
      await session.connect({ connectTimeoutMs: 5_000 });
      expect(session.protocolVersion).toBe("2026-07-28");
    } finally {
      await up.close();
    }
  });

  it("listens for list changes and subscribed resources on one subscriptions/listen stream, replaced as subscriptions change", async () => {
    const own = await startModernServer();
    const session = new InspectorSession("listen", {
      transport: "streamable-http",
      url: own.url,
      headers: {},
    });
    sessions.push(session);
    const stop = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const event of session.events.follow(0, stop.signal))
        if (event.type === "resource-updated") seen.push(`updated ${event.uri}`);
        else if (event.type === "list-changed") seen.push(`changed ${event.list}`);
    })();
    const lists = { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true };
    try {
      await session.connect();
      await expect.poll(() => own.listening()).toBe(1);
      expect(own.listens).toEqual([lists]);
      expect(session.describe().capabilities.resourceSubscribe).toBe(true);

      await session.subscribe("memo://note");
      expect(own.listens.at(-1)).toEqual({ ...lists, resourceSubscriptions: ["memo://note"] });
      await expect.poll(() => own.listening()).toBe(1); // the old stream is hung up
      expect(own.seen.some((s) => s.startsWith("resources/subscribe"))).toBe(false);
      await session.callTool("e1", "edit_note", { text: "second" });
      await expect.poll(() => seen).toEqual(["updated memo://note"]);

      await session.unsubscribe("memo://note");
      expect(session.describe().subscriptions).toEqual([]);
      expect(own.listens.at(-1)).toEqual(lists);
      await expect.poll(() => own.listening()).toBe(1);
      await session.callTool("g1", "grow", {});
      await expect.poll(() => seen).toEqual(["updated memo://note", "changed tools"]);
      expect((await session.listTools()).map((t) => t.name)).toContain("extra");

      await session.close();
      await expect.poll(() => own.listening()).toBe(0);
    } finally {
      stop.abort();
      await following;
      await own.close();
    }
  });

  it("checks calls against a listing kept for the server's ttlMs, and lists again once it runs out", async () => {
    const ttl = await startModernServer({ toolsTtlMs: 1_500 });
    const listings = () => ttl.seen.filter((s) => s.startsWith("tools/list@")).length;
    try {
      const session = new InspectorSession("ttl", {
        transport: "streamable-http",
        url: ttl.url,
        headers: {},
      });
      sessions.push(session);
      await session.connect();
      await session.listTools();
      const listedAt = performance.now();
      await session.callTool("t1", "add", { a: 1, b: 1 });
      await session.callTool("t2", "add", { a: 2, b: 2 });
      expect(performance.now() - listedAt).toBeLessThan(1_500);
      expect(listings()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_600 - (performance.now() - listedAt)));
      await session.callTool("t3", "add", { a: 3, b: 3 });
      expect(listings()).toBe(2);
    } finally {
      await ttl.close();
    }
  });

  it("an unknown tool is refused by name before any request", async () => {
    const session = await open();
    const error = await session.callTool("c9", "nope", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
  });
});
