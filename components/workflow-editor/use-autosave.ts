"use client";

import { useEffect, useMemo, useState } from "react";
import { useTRPCClient } from "@/components/trpc/react";
import { createDraftSaver, type SaveStatus } from "./draft-saver";
import type { EditorStore } from "./editor-store";

export type { SaveStatus } from "./draft-saver";

/**
 * Saves the draft a moment after each kept change (not during a drag or while typing in a field),
 * one save at a time, naming the version it was based on so a save never overwrites someone
 * else's (draft-saver.ts holds the logic). Leaving with changes unsaved is guarded by use-leave-guard.ts.
 */
export function useAutosave(
  store: EditorStore,
  workflowId: string,
  initialVersion: number,
  enabled: boolean,
) {
  const client = useTRPCClient();
  const [status, setStatus] = useState<SaveStatus>({ state: "saved", at: null });
  // One saver for the editor's life: it owns the version counter the next save is based on.
  const [saver] = useState(() =>
    createDraftSaver(store, {
      version: initialVersion,
      enabled,
      onStatus: setStatus,
      save: (document, baseVersion) =>
        client.workflow.saveDraft.mutate({ id: workflowId, document, baseVersion }),
    }),
  );

  useEffect(() => saver.setEnabled(enabled), [saver, enabled]);
  useEffect(() => saver.start(), [saver]);

  // Read when a restore, publish or navigation starts, never during render.
  const live = useMemo(
    () => ({
      version: {
        get current() {
          return saver.version;
        },
      },
      hasUnsavedChanges: () => saver.hasUnsavedChanges,
      currentStatus: () => saver.status,
    }),
    [saver],
  );
  return { status, saveNow: saver.flush, adopt: saver.adopt, ...live };
}
