"use client";

import { useQuery } from "@tanstack/react-query";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { ErrorState, SkeletonRows } from "@/components/ui/states";
import { PausedBanner } from "@/components/workflows";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import { uninstalledServerWarnings } from "@/engine/compiler/server-references";
import { Canvas } from "./canvas";
import { LeaveDialog, ShortcutsDialog } from "./editor-dialogs";
import { EditorProvider } from "./editor-context";
import { Toolbar, type LoadedWorkflow } from "./editor-toolbar";
import { createEditorStore, type EditorStore } from "./editor-store";
import { Inspector } from "./inspector";
import { whyNotLeave } from "./leave-guard";
import { Palette } from "./palette";
import { ProblemsPanel } from "./problems-panel";
import { PinsPanel } from "./pins-panel";
import { NO_OVERLAYS, RunPanel } from "./run-panel";
import type { StepOverlay } from "./node-card";
import { useAutosave } from "./use-autosave";
import { usePinnedOutputs } from "./use-pinned-outputs";
import { useEditorShortcuts } from "./use-editor-shortcuts";
import { useLeaveGuard } from "./use-leave-guard";

/** The workflow editor page: loads the draft, then hands it to the canvas and its panels. */
export function WorkflowEditor({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  // Loaded once: later changes come from this editor, and a reload is a new page.
  const workflow = useQuery({
    ...trpc.workflow.get.queryOptions({ id: workflowId }),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  if (workflow.isPending) {
    return (
      <div className="p-6" aria-busy>
        <SkeletonRows rows={4} />
      </div>
    );
  }
  if (workflow.isError)
    return <ErrorState message={workflow.error.message} onRetry={() => void workflow.refetch()} />;
  return (
    <ReactFlowProvider>
      <LoadedEditor workflow={workflow.data} />
    </ReactFlowProvider>
  );
}

/**
 * Compiles the document in the browser after each kept change (the engine is pure), for the
 * problems list and the nodes; servers the tenant has not installed are warned about once its
 * installations are known.
 */
function useLiveCompile(store: EditorStore, installed: ReadonlySet<string> | undefined) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const compile = () => {
      const { document } = store.getState();
      const result = compileWorkflow(document);
      const missing = installed ? uninstalledServerWarnings(document, installed) : [];
      store
        .getState()
        .setDiagnostics([...(result.ok ? [] : result.errors), ...result.warnings, ...missing]);
    };
    compile();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.revision === previous.revision) return;
      clearTimeout(timer);
      timer = setTimeout(compile, 120);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [store, installed]);
}

/** The names of the tenant's installed MCP servers, as workflows refer to them; undefined until loaded (or not visible to this role). */
function useInstalledServerNames(): ReadonlySet<string> | undefined {
  const trpc = useTRPC();
  const { can } = useMe();
  const installed = useQuery({
    ...trpc.mcp.listInstallations.queryOptions({ limit: 100 }),
    enabled: can("marketplace.view"),
    staleTime: 60_000,
  });
  return useMemo(() => {
    const page = installed.data;
    // More than one page: some names are not known here, so nothing is flagged.
    return page && !page.nextCursor ? new Set(page.items.map((i) => i.name)) : undefined;
  }, [installed.data]);
}

function LoadedEditor({ workflow }: { workflow: LoadedWorkflow }) {
  const { can } = useMe();
  const readOnly = !can("workflow.edit");
  const [store] = useState(() => createEditorStore(workflow.document));
  const autosave = useAutosave(store, workflow.id, workflow.version, !readOnly);
  const [isHelpOpen, setHelpOpen] = useState(false);
  const [activeRunId, setActiveRunId] = useState<string | null>(null);
  const [overlays, setOverlays] = useState<ReadonlyMap<string, StepOverlay>>(NO_OVERLAYS);
  // A dry run takes pinned outputs instead of running those steps.
  const { pins, pin, unpin } = usePinnedOutputs(workflow.id);
  const closeRun = useCallback(() => {
    setActiveRunId(null);
    setOverlays(NO_OVERLAYS);
  }, []);
  const save = useCallback(() => void autosave.saveNow(), [autosave]);
  const { hasUnsavedChanges, currentStatus, saveNow } = autosave;
  const guard = useLeaveGuard({
    hasUnsavedWork: useCallback(
      () => hasUnsavedChanges() || store.getState().fieldProblems.length > 0,
      [hasUnsavedChanges, store],
    ),
    flush: saveNow,
    explain: useCallback(
      (isStored: boolean) => whyNotLeave(isStored, currentStatus(), store.getState().fieldProblems),
      [currentStatus, store],
    ),
  });
  const help = useCallback(() => setHelpOpen(true), []);
  useLiveCompile(store, useInstalledServerNames());
  useEditorShortcuts(store, { readOnly, save, help });

  return (
    <EditorProvider value={store}>
      <div className="flex h-[calc(100vh-3.5rem)] min-h-[32rem] flex-col">
        <Toolbar
          workflow={workflow}
          readOnly={readOnly}
          autosave={autosave}
          onHelp={help}
          onRunStarted={setActiveRunId}
          pins={pins}
        />
        <PausedBanner workflow={workflow} />
        <div className="flex min-h-0 flex-1">
          {readOnly ? null : (
            <div className="w-44 shrink-0 border-r">
              <Palette />
            </div>
          )}
          <div className="flex min-w-0 flex-1 flex-col">
            <div className="min-h-0 flex-1">
              <Canvas overlays={overlays} readOnly={readOnly} />
            </div>
            <div className="h-36 shrink-0 border-t">
              <ProblemsPanel />
            </div>
          </div>
          <div className="w-72 shrink-0 overflow-y-auto border-l">
            {activeRunId ? (
              <RunPanel
                runId={activeRunId}
                onClose={closeRun}
                onOverlays={setOverlays}
                pinned={new Set(pins.keys())}
                onPin={pin}
              />
            ) : null}
            <Inspector readOnly={readOnly} />
            {readOnly ? null : <PinsPanel pins={pins} onPin={pin} onUnpin={unpin} />}
          </div>
        </div>
      </div>
      <ShortcutsDialog open={isHelpOpen} onOpenChange={setHelpOpen} />
      <LeaveDialog leave={guard.leave} onStay={guard.stay} onLeave={guard.leaveAnyway} />
    </EditorProvider>
  );
}
