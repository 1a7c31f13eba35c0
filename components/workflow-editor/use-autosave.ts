"use client";

import { useMutation } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import type { EditorStore } from "./editor-store";

export type SaveStatus =
  | { state: "saved"; at: Date | null }
  | { state: "unsaved" }
  | { state: "saving" }
  /** The save failed; it is tried again on the next change, after a pause, or by Save now. */
  | { state: "failed"; message: string }
  /** Someone else saved this workflow meanwhile: saving would overwrite their work. */
  | { state: "conflict"; message: string };

const QUIET_MS = 800;
const RETRY_MS = 5_000;

/**
 * Saves the draft a moment after each kept change (not during a drag or while typing in a field),
 * naming the version it was based on so a save never overwrites someone else's. Warns before the
 * page closes with changes unsaved.
 */
export function useAutosave(store: EditorStore, workflowId: string, initialVersion: number, enabled: boolean) {
  const trpc = useTRPC();
  const save = useMutation(trpc.workflow.saveDraft.mutationOptions());
  const [status, setStatus] = useState<SaveStatus>({ state: "saved", at: null });
  const version = useRef(initialVersion);
  const savedRevision = useRef(store.getState().revision);
  const inFlight = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stopped = useRef(false);
  const { mutateAsync } = save;

  // The timers call the latest flush through this ref (flush schedules itself again).
  const flushLater = useRef<(ms: number) => void>(() => {});

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    if (!enabled || inFlight.current || stopped.current) return;
    const { revision, document } = store.getState();
    if (revision === savedRevision.current) return;
    inFlight.current = true;
    setStatus({ state: "saving" });
    try {
      const saved = await mutateAsync({ id: workflowId, document, baseVersion: version.current });
      version.current = saved.version;
      savedRevision.current = revision;
      const changedMeanwhile = store.getState().revision !== revision;
      setStatus(changedMeanwhile ? { state: "unsaved" } : { state: "saved", at: new Date() });
      if (changedMeanwhile) flushLater.current(QUIET_MS);
    } catch (error) {
      const code = (error as { data?: { code?: string } }).data?.code;
      const message = error instanceof Error ? error.message : String(error);
      if (code === "CONFLICT") {
        stopped.current = true;
        setStatus({ state: "conflict", message });
      } else {
        setStatus({ state: "failed", message });
        flushLater.current(RETRY_MS);
      }
    } finally {
      inFlight.current = false;
    }
  }, [enabled, mutateAsync, store, workflowId]);

  useEffect(() => {
    flushLater.current = (ms) => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void flush(), ms);
    };
  }, [flush]);

  useEffect(
    () =>
      store.subscribe((state, previous) => {
        if (state.revision === previous.revision || stopped.current) return;
        if (state.revision === savedRevision.current) {
          // Undone back to what is stored.
          clearTimeout(timer.current);
          setStatus((s) => (s.state === "unsaved" ? { state: "saved", at: null } : s));
          return;
        }
        setStatus((s) => (s.state === "failed" || s.state === "saving" ? s : { state: "unsaved" }));
        flushLater.current(QUIET_MS);
      }),
    [store],
  );

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (store.getState().revision !== savedRevision.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => {
      window.removeEventListener("beforeunload", warn);
      clearTimeout(timer.current);
    };
  }, [store]);

  /** After a restore or a reload: the store holds what is stored as `nextVersion`. */
  const adopt = useCallback(
    (nextVersion: number) => {
      version.current = nextVersion;
      savedRevision.current = store.getState().revision;
      stopped.current = false;
      setStatus({ state: "saved", at: new Date() });
    },
    [store],
  );

  return { status, saveNow: flush, adopt, version };
}
