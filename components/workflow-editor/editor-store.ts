import { applyPatches, enablePatches, produce, produceWithPatches, type Patch } from "immer";
import { createStore } from "zustand/vanilla";
import type { Diagnostic } from "@/engine/compiler/diagnostics";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { moveNodes, type Command, type Position } from "./document-commands";

enablePatches();

/** One undo step: what a command changed, as immer patches, and how to take it back. */
interface HistoryEntry {
  label: string;
  patches: Patch[];
  inverse: Patch[];
}

const HISTORY_LIMIT = 200;

/**
 * A field whose typed text its schema refuses ("Not valid JSON"): the node keeps its last good
 * value, so the text lives here until it is fixed, and shows as an error that blocks publish and
 * run, instead of being dropped without a word.
 */
export interface FieldProblem {
  /** Unset for the workflow's own settings. */
  nodeId?: string;
  /** As the compiler names fields: `config.value`, `config.branches[1].when`, `settings.concurrency`. */
  field: string;
  message: string;
  /** What was typed, shown again when the field is opened again. */
  text: string;
}

const sameField = (
  a: Pick<FieldProblem, "nodeId" | "field">,
  b: Pick<FieldProblem, "nodeId" | "field">,
) => a.nodeId === b.nodeId && a.field === b.field;

/** Field problems first (they are what the person just did), then the compiler's; a deleted node's go with it. */
function mergeDiagnostics(
  document: WorkflowDocument,
  fieldProblems: FieldProblem[],
  compiled: Diagnostic[],
) {
  const nodes = new Set(document.nodes.map((n) => n.id));
  const live = fieldProblems.filter((p) => p.nodeId === undefined || nodes.has(p.nodeId));
  const fromFields = live.map((p): Diagnostic => ({
    code: "COMPILE_INVALID_CONFIG",
    severity: "error",
    message: p.message,
    field: p.field,
    ...(p.nodeId ? { nodeId: p.nodeId } : {}),
  }));
  return { fieldProblems: live, diagnostics: [...fromFields, ...compiled] };
}

export interface EditorState {
  /** The workflow document as it will be saved: nothing else in this state is saved. */
  document: WorkflowDocument;
  selectedNodeIds: string[];
  selectedEdgeIds: string[];
  past: HistoryEntry[];
  future: HistoryEntry[];
  /** Bumped by every kept change of the document (commands, undo, redo): autosave watches it. */
  revision: number;
  /** Where the dragged nodes were when the drag began; null when nothing is being dragged. */
  dragStart: ReadonlyMap<string, Position> | null;
  /** The compiler's errors and warnings for the document as of the last kept change, after the field problems. */
  diagnostics: Diagnostic[];
  /** The compiler's part of `diagnostics`. */
  compiledDiagnostics: Diagnostic[];
  fieldProblems: FieldProblem[];
  /**
   * Above zero while a restore writes the draft: autosave starts no save of its own meanwhile,
   * since two writes on the same base version refuse one another (draft-saver.ts).
   */
  savesHeld: number;
}

export interface EditorActions {
  /** Runs a command as one undo step, then selects what it names (new nodes after a paste, say). */
  run(command: Command, select?: { nodes?: string[]; edges?: string[] }): void;
  undo(): void;
  redo(): void;
  select(nodes: string[], edges: string[]): void;
  /** Moves nodes while a drag goes on, without an undo step for every pointer move. */
  dragNodes(positions: ReadonlyMap<string, Position>): void;
  /** Ends a drag: the whole gesture becomes one undo step. */
  endDrag(): void;
  /** Opens another document (a restored version, a reload): a fresh history. */
  reset(document: WorkflowDocument): void;
  setDiagnostics(diagnostics: Diagnostic[]): void;
  /** Records (or, with null, clears) what a field holds that its schema refuses. */
  setFieldProblem(
    target: Pick<FieldProblem, "nodeId" | "field">,
    problem: Pick<FieldProblem, "message" | "text"> | null,
  ): void;
  /** Holds autosave's own saves until the returned release is called (once; more calls do nothing). */
  holdSaves(): () => void;
}

export type EditorStore = ReturnType<typeof createEditorStore>;

/** Selection that still exists after the document changed (an undone paste takes its nodes along). */
function keepExisting(
  state: Pick<EditorState, "selectedNodeIds" | "selectedEdgeIds">,
  document: WorkflowDocument,
) {
  const nodes = new Set(document.nodes.map((n) => n.id));
  const edges = new Set(document.edges.map((e) => e.id));
  return {
    selectedNodeIds: state.selectedNodeIds.filter((id) => nodes.has(id)),
    selectedEdgeIds: state.selectedEdgeIds.filter((id) => edges.has(id)),
  };
}

/**
 * The editor's one store (zustand, usable without React for tests): the document, the selection
 * and the undo history. Every edit goes through `run`, so undo, redo and autosave cover all of them.
 */
export function createEditorStore(document: WorkflowDocument) {
  return createStore<EditorState & EditorActions>()((set, get) => {
    const commit = (state: EditorState, document: WorkflowDocument, entry: HistoryEntry) => ({
      document,
      past: [...state.past, entry].slice(-HISTORY_LIMIT),
      future: [],
      revision: state.revision + 1,
    });

    return {
      document,
      selectedNodeIds: [],
      selectedEdgeIds: [],
      past: [],
      future: [],
      revision: 0,
      dragStart: null,
      diagnostics: [],
      compiledDiagnostics: [],
      fieldProblems: [],
      savesHeld: 0,

      run(command, select) {
        const state = get();
        const [next, patches, inverse] = produceWithPatches(state.document, command.apply);
        if (patches.length === 0) return;
        const selection = select
          ? { selectedNodeIds: select.nodes ?? [], selectedEdgeIds: select.edges ?? [] }
          : keepExisting(state, next);
        set({ ...commit(state, next, { label: command.label, patches, inverse }), ...selection });
      },

      undo() {
        const state = get();
        const entry = state.past.at(-1);
        if (!entry) return;
        const document = applyPatches(state.document, entry.inverse);
        set({
          document,
          past: state.past.slice(0, -1),
          future: [entry, ...state.future],
          revision: state.revision + 1,
          ...keepExisting(state, document),
        });
      },

      redo() {
        const state = get();
        const entry = state.future[0];
        if (!entry) return;
        const document = applyPatches(state.document, entry.patches);
        set({
          document,
          past: [...state.past, entry],
          future: state.future.slice(1),
          revision: state.revision + 1,
          ...keepExisting(state, document),
        });
      },

      select(nodes, edges) {
        set({ selectedNodeIds: nodes, selectedEdgeIds: edges });
      },

      dragNodes(positions) {
        const state = get();
        let dragStart = state.dragStart;
        if (!dragStart) {
          const start = new Map<string, Position>();
          for (const node of state.document.nodes)
            if (positions.has(node.id)) start.set(node.id, node.position ?? { x: 0, y: 0 });
          dragStart = start;
        }
        const document = produce(state.document, (draft) => {
          for (const node of draft.nodes) {
            const to = positions.get(node.id);
            if (to) node.position = { x: to.x, y: to.y };
          }
        });
        set({ document, dragStart });
      },

      endDrag() {
        const state = get();
        if (!state.dragStart) return;
        const final = new Map<string, Position>();
        for (const node of state.document.nodes)
          if (state.dragStart.has(node.id)) final.set(node.id, node.position ?? { x: 0, y: 0 });
        // Replay the gesture from where it began, so its patches and their inverse span the whole drag.
        const before = produce(state.document, (draft) => {
          for (const node of draft.nodes) {
            const from = state.dragStart!.get(node.id);
            if (from) node.position = from;
          }
        });
        const command = moveNodes(
          final,
          final.size === 1 ? "Move node" : `Move ${final.size} nodes`,
        );
        const [next, patches, inverse] = produceWithPatches(before, command.apply);
        if (patches.length === 0) {
          set({ document: before, dragStart: null });
          return;
        }
        set({
          ...commit(state, next, { label: command.label, patches, inverse }),
          dragStart: null,
        });
      },

      reset(document) {
        set({
          document,
          past: [],
          future: [],
          revision: 0,
          dragStart: null,
          selectedNodeIds: [],
          selectedEdgeIds: [],
          fieldProblems: [],
          diagnostics: get().compiledDiagnostics,
        });
      },

      setDiagnostics(diagnostics) {
        const state = get();
        set({
          compiledDiagnostics: diagnostics,
          ...mergeDiagnostics(state.document, state.fieldProblems, diagnostics),
        });
      },

      setFieldProblem(target, problem) {
        const state = get();
        const others = state.fieldProblems.filter((p) => !sameField(p, target));
        if (!problem && others.length === state.fieldProblems.length) return;
        const fieldProblems = problem ? [...others, { ...target, ...problem }] : others;
        set(mergeDiagnostics(state.document, fieldProblems, state.compiledDiagnostics));
      },

      holdSaves() {
        set({ savesHeld: get().savesHeld + 1 });
        let held = true;
        return () => {
          if (!held) return;
          held = false;
          set({ savesHeld: get().savesHeld - 1 });
        };
      },
    };
  });
}
