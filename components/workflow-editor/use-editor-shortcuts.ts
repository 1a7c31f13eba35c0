"use client";

import { useReactFlow } from "@xyflow/react";
import { useEffect, useMemo } from "react";
import { copyNodes, parseClipboard, pasteNodes } from "./clipboard";
import { deleteElements, moveNodes } from "./document-commands";
import type { EditorStore } from "./editor-store";
import { layoutDocument } from "./layout";
import { matchShortcut, type ShortcutId } from "./shortcuts";

const isTyping = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
const inDialog = (target: EventTarget | null) =>
  target instanceof HTMLElement && Boolean(target.closest("[role=dialog]"));

/** The editor's commands that are not plain document edits: they need the view or the clipboard. */
export function useEditorActions(store: EditorStore) {
  const flow = useReactFlow();
  return useMemo(
    () => ({
      duplicate() {
        const state = store.getState();
        const clipboard = copyNodes(state.document, state.selectedNodeIds);
        if (!clipboard) return;
        const { command, ids } = pasteNodes(
          state.document,
          clipboard,
          { x: 40, y: 40 },
          "Duplicate",
        );
        state.run(command, { nodes: ids });
      },
      deleteSelection() {
        const state = store.getState();
        if (state.selectedNodeIds.length || state.selectedEdgeIds.length)
          state.run(deleteElements(state.selectedNodeIds, state.selectedEdgeIds));
      },
      layout() {
        const state = store.getState();
        state.run(moveNodes(layoutDocument(state.document), "Auto-layout"));
        requestAnimationFrame(() => void flow.fitView({ duration: 300, padding: 0.15 }));
      },
      fitView() {
        void flow.fitView({ duration: 300, padding: 0.15 });
      },
      selectAll() {
        const { document, select } = store.getState();
        select(
          document.nodes.map((n) => n.id),
          document.edges.map((e) => e.id),
        );
      },
    }),
    [store, flow],
  );
}

/**
 * Keyboard shortcuts (shortcuts.ts) and the clipboard's copy, cut and paste, while the editor is
 * open. Keys typed into a field or a dialog stay there.
 */
export function useEditorShortcuts(
  store: EditorStore,
  handlers: { readOnly: boolean; save: () => void; help: () => void },
) {
  const actions = useEditorActions(store);
  const { readOnly, save, help } = handlers;

  useEffect(() => {
    const editing: Partial<Record<ShortcutId, () => void>> = {
      undo: () => store.getState().undo(),
      redo: () => store.getState().redo(),
      duplicate: actions.duplicate,
      delete: actions.deleteSelection,
      layout: actions.layout,
      save,
    };
    const viewing: Partial<Record<ShortcutId, () => void>> = {
      selectAll: actions.selectAll,
      clearSelection: () => store.getState().select([], []),
      fitView: actions.fitView,
      help,
    };
    const onKeyDown = (event: KeyboardEvent) => {
      if (inDialog(event.target)) return;
      const id = matchShortcut(event);
      const run = id ? (viewing[id] ?? (readOnly ? undefined : editing[id])) : undefined;
      if (!run) return;
      event.preventDefault();
      run();
    };
    const onCopy = (event: ClipboardEvent) => {
      if (isTyping(event.target) || inDialog(event.target)) return;
      const state = store.getState();
      const clipboard = copyNodes(state.document, state.selectedNodeIds);
      if (!clipboard || !event.clipboardData) return;
      event.clipboardData.setData("text/plain", JSON.stringify(clipboard));
      event.preventDefault();
      if (event.type === "cut" && !readOnly) state.run(deleteElements(state.selectedNodeIds, []));
    };
    const onPaste = (event: ClipboardEvent) => {
      if (readOnly || isTyping(event.target) || inDialog(event.target)) return;
      const clipboard = parseClipboard(event.clipboardData?.getData("text/plain") ?? "");
      if (!clipboard) return;
      event.preventDefault();
      const state = store.getState();
      const { command, ids } = pasteNodes(state.document, clipboard, { x: 40, y: 40 });
      state.run(command, { nodes: ids });
    };
    window.addEventListener("keydown", onKeyDown);
    window.addEventListener("copy", onCopy);
    window.addEventListener("cut", onCopy);
    window.addEventListener("paste", onPaste);
    return () => {
      window.removeEventListener("keydown", onKeyDown);
      window.removeEventListener("copy", onCopy);
      window.removeEventListener("cut", onCopy);
      window.removeEventListener("paste", onPaste);
    };
  }, [store, actions, readOnly, save, help]);
}
