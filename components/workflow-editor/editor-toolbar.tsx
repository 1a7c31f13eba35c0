"use client";

import { useQueryClient } from "@tanstack/react-query";
import {
  ArrowLeft,
  Database,
  History,
  Keyboard,
  LayoutGrid,
  Maximize,
  Play,
  Redo2,
  Sparkles,
  Undo2,
  Upload,
  Webhook,
} from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { DescribeTaskDialog } from "@/components/autonomy";
import { replaceWithProposal } from "./replace-with-proposal";
import { useMe } from "@/components/shared/use-me";
import { TriggersDialog } from "@/components/triggers";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { publishedLabel, RunDialog } from "@/components/workflows";
import { compileWorkflow } from "@/engine/compiler/compile-workflow";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { PublishDialog } from "./publish-dialog";
import { useEditor, useEditorStore } from "./editor-context";
import type { SaveStatus, useAutosave } from "./use-autosave";
import { VersionsPanel } from "./versions-panel";
import { useEditorActions } from "./use-editor-shortcuts";

export interface LoadedWorkflow {
  id: string;
  name: string;
  version: number;
  document: WorkflowDocument;
  latestVersion: { id: string; version: number | null } | null;
  pausedAt: Date | null;
  pausedReason: string | null;
}

/** The draft's plan, for the run form (the Run button is off while the draft does not compile). */
function compiledPlan(document: WorkflowDocument) {
  const result = compileWorkflow(document);
  return result.ok ? result.plan : null;
}

function SaveIndicator({ status, onRetry }: { status: SaveStatus; onRetry: () => void }) {
  const text = {
    saved: "All changes saved",
    unsaved: "Unsaved changes",
    saving: "Saving…",
    failed: "Not saved",
    conflict: "Changed elsewhere",
  }[status.state];
  return (
    <span
      role="status"
      data-save-state={status.state}
      className="flex items-center gap-2 text-xs text-muted-foreground"
    >
      <span
        aria-hidden
        className={
          status.state === "saved"
            ? "size-2 rounded-full bg-emerald-500"
            : status.state === "failed" || status.state === "conflict"
              ? "size-2 rounded-full bg-danger"
              : "size-2 rounded-full bg-amber-500"
        }
      />
      {text}
      {status.state === "failed" ? (
        <button type="button" className="underline" onClick={onRetry} title={status.message}>
          Retry
        </button>
      ) : null}
      {status.state === "conflict" ? (
        <button
          type="button"
          className="underline"
          onClick={() => window.location.reload()}
          title={status.message}
        >
          Reload
        </button>
      ) : null}
    </span>
  );
}

/** The editor's header: name, save state, history, layout, versions, publish and run. */
export function Toolbar({
  workflow,
  readOnly,
  autosave,
  onHelp,
  onRunStarted,
  pins,
}: {
  workflow: LoadedWorkflow;
  readOnly: boolean;
  autosave: ReturnType<typeof useAutosave>;
  onHelp: () => void;
  onRunStarted: (runId: string) => void;
  pins: ReadonlyMap<string, unknown>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const undoLabel = useEditor((s) => s.past.at(-1)?.label);
  const redoLabel = useEditor((s) => s.future[0]?.label);
  const undo = useEditor((s) => s.undo);
  const redo = useEditor((s) => s.redo);
  const errorCount = useEditor((s) => s.diagnostics.filter((d) => d.severity === "error").length);
  const store = useEditorStore();
  const actions = useEditorActions(store);
  const [isPublishOpen, setPublishOpen] = useState(false);
  const [latest, setLatest] = useState(workflow.latestVersion?.version ?? null);
  const [isRunOpen, setRunOpen] = useState(false);
  const [isVersionsOpen, setVersionsOpen] = useState(false);
  const [isDescribeOpen, setDescribeOpen] = useState(false);
  const [isTriggersOpen, setTriggersOpen] = useState(false);
  const { status, saveNow } = autosave;

  /** Publish and Run act on the stored draft: when the canvas could not be saved, they say so and stop. */
  async function savedFirst(): Promise<boolean> {
    if (await saveNow()) return true;
    toast.error(
      "The draft is not saved yet, so it was not used: fix what the save indicator says, then try again.",
    );
    return false;
  }

  return (
    <header className="flex items-center gap-2 border-b bg-card px-3 py-2">
      <Link href="/workflows" className="rounded p-1 hover:bg-muted" aria-label="Back to workflows">
        <ArrowLeft className="size-4" aria-hidden />
      </Link>
      <h1 className="min-w-0 truncate font-semibold">{workflow.name}</h1>
      <span className="shrink-0 text-xs text-muted-foreground">{publishedLabel(latest)}</span>
      {readOnly ? (
        <span className="rounded bg-muted px-2 text-xs">read only</span>
      ) : (
        <SaveIndicator status={status} onRetry={() => void saveNow()} />
      )}
      <div className="ml-auto flex shrink-0 items-center gap-1">
        {readOnly ? null : (
          <>
            <Button
              variant="ghost"
              size="sm"
              onClick={undo}
              disabled={!undoLabel}
              aria-label="Undo"
              title={undoLabel ? `Undo ${undoLabel}` : "Nothing to undo"}
            >
              <Undo2 className="size-4" aria-hidden />
            </Button>
            <Button
              variant="ghost"
              size="sm"
              onClick={redo}
              disabled={!redoLabel}
              aria-label="Redo"
              title={redoLabel ? `Redo ${redoLabel}` : "Nothing to redo"}
            >
              <Redo2 className="size-4" aria-hidden />
            </Button>
            <Button
              variant="ghost"
              size="sm"
              onClick={actions.layout}
              aria-label="Auto-layout"
              title="Auto-layout (Shift+L)"
            >
              <LayoutGrid className="size-4" aria-hidden />{" "}
              <span className="hidden xl:inline">Auto-layout</span>
            </Button>
            <Button
              variant="ghost"
              size="sm"
              onClick={() => setDescribeOpen(true)}
              aria-label="Describe a task"
              title="Describe a task: let the planner propose the workflow"
            >
              <Sparkles className="size-4" aria-hidden />{" "}
              <span className="hidden 2xl:inline">Describe a task</span>
            </Button>
          </>
        )}
        <Button
          variant="ghost"
          size="sm"
          onClick={actions.fitView}
          aria-label="Fit view"
          title="Fit view (Shift+F)"
        >
          <Maximize className="size-4" aria-hidden />
        </Button>
        <Button
          variant="ghost"
          size="sm"
          onClick={onHelp}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          <Keyboard className="size-4" aria-hidden />
        </Button>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => setVersionsOpen(true)}
          aria-label="Versions"
          title="Versions: compare and restore"
        >
          <History className="size-4" aria-hidden />
        </Button>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => setTriggersOpen(true)}
          aria-label="Triggers"
          title="Triggers: webhooks, schedules, MCP tool"
        >
          <Webhook className="size-4" aria-hidden />{" "}
          <span className="hidden xl:inline">Triggers</span>
        </Button>
        <Link
          href={`/workflows/${workflow.id}/datasets`}
          aria-label="Datasets"
          title="Datasets: test cases and evaluators for this workflow"
          className="inline-flex h-8 items-center gap-2 rounded-md px-3 text-sm font-medium hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
        >
          <Database className="size-4" aria-hidden />{" "}
          <span className="hidden xl:inline">Datasets</span>
        </Link>
        {readOnly ? null : (
          <Button variant="secondary" size="sm" onClick={() => setPublishOpen(true)}>
            <Upload className="size-4" aria-hidden /> Publish
          </Button>
        )}
        {can("workflow.run") ? (
          <Button
            size="sm"
            disabled={errorCount > 0}
            title={errorCount ? "Fix the problems first" : "Run the draft"}
            onClick={async () => {
              if (await savedFirst()) setRunOpen(true);
            }}
          >
            <Play className="size-4" aria-hidden /> {pins.size ? "Dry run" : "Run"}
          </Button>
        ) : null}
      </div>
      <PublishDialog
        workflowId={workflow.id}
        open={isPublishOpen}
        onOpenChange={setPublishOpen}
        savedFirst={savedFirst}
        onPublished={(version) => {
          setLatest(version.version);
          toast.success(`Published version ${version.version}`);
          void queryClient.invalidateQueries({ queryKey: trpc.workflow.pathKey() });
        }}
        blocked={
          errorCount
            ? `Fix the ${errorCount} problem${errorCount > 1 ? "s" : ""} first: a version must compile.`
            : null
        }
      />
      <TriggersDialog
        workflowId={workflow.id}
        open={isTriggersOpen}
        onOpenChange={setTriggersOpen}
      />
      <VersionsPanel
        workflowId={workflow.id}
        readOnly={readOnly}
        open={isVersionsOpen}
        onOpenChange={setVersionsOpen}
        baseVersion={() => autosave.version.current}
        onRestored={autosave.adopt}
        saveNow={saveNow}
      />
      {readOnly ? null : (
        <DescribeTaskDialog
          open={isDescribeOpen}
          onOpenChange={setDescribeOpen}
          onReplace={(document) => {
            store.getState().run(replaceWithProposal(document), { nodes: [] });
            requestAnimationFrame(actions.fitView);
          }}
        />
      )}
      {isRunOpen ? (
        <RunDialog
          workflow={workflow}
          plan={compiledPlan(store.getState().document)}
          pinnedOutputs={Object.fromEntries(
            [...pins].map(([stepId, output]) => [stepId, { output }]),
          )}
          onClose={() => setRunOpen(false)}
          onStarted={(runId) => {
            setRunOpen(false);
            onRunStarted(runId);
          }}
        />
      ) : null}
    </header>
  );
}
