import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { replaceDocument } from "./document-commands";
import type { EditorStore } from "./editor-store";

export type SaveStatus =
  | { state: "saved"; at: Date | null }
  | { state: "unsaved" }
  | { state: "saving" }
  /** The save failed; it is tried again on the next change, after a pause, or by Save now. */
  | { state: "failed"; message: string }
  /** Someone else saved this workflow meanwhile: saving would overwrite their work. */
  | { state: "conflict"; message: string };

export interface DraftSaverOptions {
  /** Stores the document on top of `baseVersion` (refused with CONFLICT when the row moved on); resolves with the new version. */
  save: (document: WorkflowDocument, baseVersion: number) => Promise<{ version: number }>;
  /** The version the store's document was loaded as. */
  version: number;
  onStatus: (status: SaveStatus) => void;
  /** Viewers edit nothing, so nothing is saved for them. */
  enabled?: boolean;
  /** How long after a kept change the draft is saved. */
  quietMs?: number;
  /** How long after a failed save it is tried again. */
  retryMs?: number;
}

export interface DraftSaver {
  /**
   * Saves what is unsaved now. Waits for the save under way first (a second save on the same
   * version would be refused), and resolves once everything is stored or a save failed, so what
   * comes next (a publish, a run, a restore) is based on what is stored. True when everything is
   * stored; false when a save failed or saving stopped (a conflict), so a publish or run can refuse
   * to go ahead on an older draft than the canvas shows.
   */
  flush(): Promise<boolean>;
  /** The store holds what is stored as `version` (after a restore). */
  adopt(version: number): void;
  /** The version the next save is based on. */
  readonly version: number;
  readonly hasUnsavedChanges: boolean;
  /** The last status reported, read when a caller needs it at once (after a flush). */
  readonly status: SaveStatus;
  setEnabled(enabled: boolean): void;
  /** Starts watching the store for changes; returns the stop, which saves what is still unsaved. */
  start(): () => void;
}

const isConflict = (error: unknown) =>
  (error as { data?: { code?: string } } | null)?.data?.code === "CONFLICT";

/**
 * Saves the draft a moment after each kept change, one save at a time, each naming the version it
 * is based on so a save never overwrites someone else's work (the lost-update guard refuses it).
 * No save of its own starts while the store's saves are held: a restore is writing the draft then.
 * Plain TypeScript over the store, so the races can be tested with a save that answers on cue.
 */
export function createDraftSaver(store: EditorStore, options: DraftSaverOptions): DraftSaver {
  const { save, onStatus, quietMs = 800, retryMs = 5_000 } = options;
  let enabled = options.enabled ?? true;
  let version = options.version;
  let savedRevision = store.getState().revision;
  /** The save under way; resolves to whether it stored the draft. */
  let underway: Promise<boolean> | null = null;
  /** Someone else saved meanwhile: no more saves until the page reloads or a restore is adopted. */
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let status: SaveStatus = { state: "saved", at: null };
  const report = (next: SaveStatus) => {
    status = next;
    onStatus(next);
  };

  const isUnsaved = () => store.getState().revision !== savedRevision;

  const later = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      // The restore holding the saves adopts what it stored; the release looks again.
      if (store.getState().savesHeld === 0) void flush();
    }, ms);
  };

  async function saveOnce(): Promise<boolean> {
    const { revision, document } = store.getState();
    report({ state: "saving" });
    try {
      const saved = await save(document, version);
      version = saved.version;
      savedRevision = revision;
      report(isUnsaved() ? { state: "unsaved" } : { state: "saved", at: new Date() });
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isConflict(error)) {
        stopped = true;
        clearTimeout(timer);
        report({ state: "conflict", message });
      } else {
        report({ state: "failed", message });
        later(retryMs);
      }
      return false;
    }
  }

  /** Saves what is unsaved; true when everything is stored, false when a save failed or saving stopped. */
  async function flush(): Promise<boolean> {
    clearTimeout(timer);
    for (;;) {
      if (underway) {
        // A failed save ends every flush waiting for it: its retry is scheduled, and a save
        // started here could race whatever the waiting caller does next (a restore).
        if (!(await underway)) return false;
        continue;
      }
      if (!enabled || stopped || !isUnsaved()) return !isUnsaved();
      // Checked and set in one turn: no other save can start between the two.
      underway = saveOnce().finally(() => {
        underway = null;
      });
    }
  }

  function adopt(nextVersion: number) {
    clearTimeout(timer);
    version = nextVersion;
    savedRevision = store.getState().revision;
    stopped = false;
    report({ state: "saved", at: new Date() });
  }

  function start() {
    const unsubscribe = store.subscribe((state, previous) => {
      if (stopped || !enabled) return;
      if (state.revision !== previous.revision) {
        if (!isUnsaved()) {
          // Undone back to what is stored.
          clearTimeout(timer);
          if (status.state === "unsaved") report({ state: "saved", at: null });
          return;
        }
        // A failure stays shown until a save succeeds; a save under way reports what it left.
        if (status.state !== "failed" && status.state !== "saving") report({ state: "unsaved" });
        if (state.savesHeld === 0) later(quietMs);
      } else if (state.savesHeld === 0 && previous.savesHeld > 0 && isUnsaved()) {
        // A restore ended without adopting (it failed): what changed meanwhile still needs saving.
        later(quietMs);
      }
    });
    return () => {
      unsubscribe();
      // The editor is closing (a link, the browser's Back): what waits for the quiet time is saved
      // now rather than dropped. The request outlives the page's components.
      if (enabled && !stopped && isUnsaved() && store.getState().savesHeld === 0) void flush();
      else clearTimeout(timer);
    };
  }

  return {
    flush,
    adopt,
    get version() {
      return version;
    },
    get hasUnsavedChanges() {
      return isUnsaved();
    },
    get status() {
      return status;
    },
    setEnabled(value) {
      enabled = value;
    },
    start,
  };
}

/** What a restore needs from autosave: the editor's toolbar hands these to the versions panel. */
export interface RestoreHooks {
  /** Saves pending edits first, so the restore is based on what is stored. */
  saveNow: () => Promise<unknown>;
  baseVersion: () => number;
  onRestored: (version: number) => void;
}

/**
 * Restores a published version as the draft: holds autosave's own saves, saves what is pending,
 * asks the server to restore on top of the version that save produced, and adopts the answer as
 * one undo step. Without the hold and the wait, a save of the old draft could land just before or
 * after the restore, and one of the two would be refused (the draft's value stayed on the canvas).
 */
export async function restoreDraft(
  store: EditorStore,
  hooks: RestoreHooks,
  request: (baseVersion: number) => Promise<{ version: number; document: WorkflowDocument }>,
  label: string,
): Promise<void> {
  const release = store.getState().holdSaves();
  try {
    await hooks.saveNow();
    const restored = await request(hooks.baseVersion());
    store.getState().run(replaceDocument(restored.document, label));
    hooks.onRestored(restored.version);
  } finally {
    release();
  }
}
