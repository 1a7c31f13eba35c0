"use client";

import { createContext, useContext } from "react";
import { useStore } from "zustand";
import type { EditorActions, EditorState, EditorStore } from "./editor-store";

const EditorContext = createContext<EditorStore | null>(null);

export const EditorProvider = EditorContext.Provider;

/** The editor store of the workflow being edited. */
export function useEditorStore(): EditorStore {
  const store = useContext(EditorContext);
  if (!store) throw new Error("useEditorStore needs an EditorProvider above it.");
  return store;
}

/** A slice of the editor state; the component re-renders only when that slice changes. */
export function useEditor<T>(selector: (state: EditorState & EditorActions) => T): T {
  return useStore(useEditorStore(), selector);
}
