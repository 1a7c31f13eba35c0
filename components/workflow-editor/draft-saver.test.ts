import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { chain, makeNode, makeWorkflow } from "@/engine/examples";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { updateNode } from "./document-commands";
import { createDraftSaver, restoreDraft, type DraftSaver, type SaveStatus } from "./draft-saver";
import { createEditorStore, type EditorStore } from "./editor-store";

const QUIET_MS = 800;
const RETRY_MS = 5_000;

const greeting = (text: string) =>
  makeWorkflow({
    name: "Greeting",
    nodes: [
      makeNode("input", "in"),
      makeNode("transform", "greet", { template: { greeting: text } }),
      makeNode("output", "out"),
    ],
    edges: chain("in", "greet", "out"),
  });
const templateOf = (document: WorkflowDocument) =>
  (document.nodes.find((n) => n.id === "greet")!.config as { template: { greeting: string } })
    .template.greeting;
const edit = (store: EditorStore, text: string) =>
  store.getState().run(updateNode("greet", { config: { template: { greeting: text } } }));

/**
 * The server's side of the draft, with the lost-update guard: each request waits until the test
 * answers it, and is decided then, in the order requests arrived, as the conditional UPDATE would.
 */
function fakeServer(initial: WorkflowDocument) {
  let version = 1;
  let stored = initial;
  const requests: {
    kind: "save" | "restore";
    baseVersion: number;
    answer: () => void;
    fail: (error: Error) => void;
  }[] = [];
  const conflict = () =>
    Object.assign(new Error("The workflow was changed meanwhile"), { data: { code: "CONFLICT" } });
  const request = <T>(kind: "save" | "restore", baseVersion: number, apply: () => T) =>
    new Promise<T>((resolve, reject) => {
      requests.push({
        kind,
        baseVersion,
        answer: () => (baseVersion === version ? resolve(apply()) : reject(conflict())),
        fail: reject,
      });
    });
  return {
    save: (document: WorkflowDocument, baseVersion: number) =>
      request("save", baseVersion, () => {
        stored = document;
        return { version: ++version };
      }),
    restore: (document: WorkflowDocument) => (baseVersion: number) =>
      request("restore", baseVersion, () => {
        stored = document;
        return { version: ++version, document };
      }),
    /** Requests sent and not answered yet, oldest first. */
    pending: () => requests.map((r) => `${r.kind}@${r.baseVersion}`),
    /** Answers the oldest request, then lets the client react. */
    async answerNext() {
      requests.shift()!.answer();
      await vi.advanceTimersByTimeAsync(0);
    },
    async failNext(error: Error) {
      requests.shift()!.fail(error);
      await vi.advanceTimersByTimeAsync(0);
    },
    get version() {
      return version;
    },
    get stored() {
      return stored;
    },
  };
}

function setUp(draft = "Hello from the canvas") {
  const published = greeting("Hello from the canvas");
  const store = createEditorStore(greeting(draft));
  const server = fakeServer(store.getState().document);
  const statuses: SaveStatus["state"][] = [];
  const saver = createDraftSaver(store, {
    save: server.save,
    version: 1,
    onStatus: (s) => statuses.push(s.state),
    quietMs: QUIET_MS,
    retryMs: RETRY_MS,
  });
  const stop = saver.start();
  const hooks = (s: DraftSaver) => ({
    saveNow: s.flush,
    baseVersion: () => s.version,
    onRestored: s.adopt,
  });
  const restore = () =>
    restoreDraft(store, hooks(saver), server.restore(published), "Restore version 1");
  return { store, server, saver, statuses, stop, restore, last: () => statuses.at(-1) };
}

describe("draft autosave", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves a moment after a kept change, one save at a time, each on the version the last one made", async () => {
    const { store, server, last } = setUp();
    edit(store, "One");
    expect(last()).toBe("unsaved");
    await vi.advanceTimersByTimeAsync(QUIET_MS - 1);
    expect(server.pending()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.pending()).toEqual(["save@1"]);

    // A change while that save is under way waits for it, then goes on top of the version it made.
    edit(store, "Two");
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(server.pending()).toEqual(["save@2"]);
    await server.answerNext();
    expect(templateOf(server.stored)).toBe("Two");
    expect(last()).toBe("saved");
  });

  it("saves an edit made inside the quiet time when the editor closes, instead of dropping it", async () => {
    const { store, server, stop } = setUp();
    edit(store, "Typed just before leaving");
    stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(templateOf(server.stored)).toBe("Typed just before leaving");
  });

  it("sends nothing when the editor closes with everything saved", async () => {
    const { server, stop } = setUp();
    stop();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(server.pending()).toEqual([]);
  });

  it("waits for the save under way when asked to save now, and resolves once everything is stored", async () => {
    const { store, server, saver } = setUp();
    edit(store, "One");
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    edit(store, "Two");
    let done: boolean | undefined;
    void saver.flush().then((isStored) => (done = isStored));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(done).toBeUndefined();
    expect(server.pending()).toEqual(["save@2"]);
    await server.answerNext();
    expect(done).toBe(true);
    expect(saver.version).toBe(3);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it("tells whoever asked to save now that the save failed, so a publish or run does not go ahead on the older stored draft", async () => {
    const { store, server, saver } = setUp();
    edit(store, "One");
    const flushed = saver.flush();
    await vi.advanceTimersByTimeAsync(0);
    await server.failNext(new Error("network"));
    expect(await flushed).toBe(false);
    expect(saver.hasUnsavedChanges).toBe(true);
  });

  it("stops saving when someone else saved meanwhile, and tries again after a pause when a save failed", async () => {
    const { store, server, saver, last } = setUp();
    edit(store, "One");
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    await server.failNext(new Error("Failed to fetch"));
    expect(last()).toBe("failed");
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(last()).toBe("saved");

    saver.adopt(1); // as if another tab had moved the row on: this page's base is now stale
    edit(store, "Two");
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    await server.answerNext();
    expect(last()).toBe("conflict");
    edit(store, "Three");
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    expect(server.pending()).toEqual([]);
    expect(last()).toBe("conflict");
  });
});

describe("restoring a version while autosave runs", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("waits for the save of the previous draft that is under way, then restores on top of it (the race a slow machine showed)", async () => {
    const { store, server, restore, last } = setUp();
    edit(store, "A draft change");
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(server.pending()).toEqual(["save@1"]);

    // Restore is clicked while the draft's save is still on its way.
    const restored = restore();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(server.pending()).toEqual(["restore@2"]);
    await server.answerNext();
    await restored;

    expect(templateOf(store.getState().document)).toBe("Hello from the canvas");
    expect(templateOf(server.stored)).toBe("Hello from the canvas");
    expect(server.version).toBe(3);
    expect(last()).toBe("saved");
    // One undo step brings the draft back, and autosave stores it.
    expect(store.getState().past.at(-1)?.label).toBe("Restore version 1");
    store.getState().undo();
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(server.pending()).toEqual(["save@3"]);
  });

  it("saves pending edits before the restore, and starts no save of its own while the restore is under way", async () => {
    const { store, server, restore, last } = setUp();
    edit(store, "A draft change");
    const restored = restore();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(server.pending()).toEqual(["restore@2"]);

    // An edit (or a retry) that comes due while the restore is on its way does not race it.
    edit(store, "Typed meanwhile");
    await vi.advanceTimersByTimeAsync(RETRY_MS * 2);
    expect(server.pending()).toEqual(["restore@2"]);

    await server.answerNext();
    await restored;
    expect(templateOf(store.getState().document)).toBe("Hello from the canvas");
    expect(last()).toBe("saved");
    await vi.advanceTimersByTimeAsync(RETRY_MS * 2);
    expect(server.pending()).toEqual([]);
    expect(server.version).toBe(3);
  });

  it("leaves the draft as it was when the server refuses the restore, and saves what changed meanwhile afterwards", async () => {
    const { store, server, restore } = setUp();
    const outcome = restore().then(
      () => "restored",
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(0);
    edit(store, "Typed meanwhile");
    await vi.advanceTimersByTimeAsync(RETRY_MS);
    await server.failNext(new Error("Failed to fetch"));
    expect(await outcome).toBe("Failed to fetch");
    expect(templateOf(store.getState().document)).toBe("Typed meanwhile");

    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(server.pending()).toEqual(["save@1"]);
    await server.answerNext();
    expect(templateOf(server.stored)).toBe("Typed meanwhile");
  });
});
