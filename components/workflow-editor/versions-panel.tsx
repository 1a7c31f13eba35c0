"use client";

import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { History } from "lucide-react";
import { useMemo, useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";
import {
  diffWorkflowDocuments,
  type FieldChange,
  type WorkflowDiff,
} from "@/engine/schema/diff-workflow-documents";
import type { WorkflowDocument } from "@/engine/schema/workflow-document";
import { restoreDraft } from "./draft-saver";
import { useEditor, useEditorStore } from "./editor-context";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const show = (value: unknown) =>
  value === undefined ? "—" : typeof value === "string" ? value : JSON.stringify(value);

function Fields({ fields }: { fields: FieldChange[] }) {
  return (
    <ul className="mt-1 space-y-1">
      {fields.map((f) => (
        <li key={f.path} className="text-xs">
          <code className="rounded bg-muted px-1">{f.path}</code>{" "}
          <del className="break-all text-danger">{show(f.before)}</del> →{" "}
          <ins className="break-all text-emerald-700 no-underline">{show(f.after)}</ins>
        </li>
      ))}
    </ul>
  );
}

/** What the draft changes compared with a version: nodes and connections added, removed and changed. */
export function DiffView({ diff }: { diff: WorkflowDiff }) {
  const { nodes, edges, settingsChanged } = diff;
  const nothing =
    !nodes.added.length &&
    !nodes.removed.length &&
    !nodes.changed.length &&
    !edges.added.length &&
    !edges.removed.length &&
    !settingsChanged.length;
  if (nothing)
    return (
      <p className="text-sm text-muted-foreground">
        No changes{nodes.moved.length ? ` (${nodes.moved.length} nodes moved)` : ""}.
      </p>
    );
  const edgeText = (e: WorkflowDiff["edges"]["added"][number]) =>
    `${e.source}${e.sourcePort === "out" ? "" : `.${e.sourcePort}`} → ${e.target}`;
  return (
    <ul className="space-y-1.5 text-sm" aria-label="Changes">
      {nodes.added.map((n) => (
        <li key={`+${n.id}`} className="text-emerald-700">
          + node <code>{n.id}</code> ({n.kind})
        </li>
      ))}
      {nodes.removed.map((n) => (
        <li key={`-${n.id}`} className="text-danger">
          − node <code>{n.id}</code> ({n.kind})
        </li>
      ))}
      {nodes.changed.map((n) => (
        <li key={`~${n.id}`}>
          ~ node <code>{n.id}</code>
          <Fields fields={n.fields} />
        </li>
      ))}
      {edges.added.map((e) => (
        <li key={`+${e.id}`} className="text-emerald-700">
          + connection {edgeText(e)}
        </li>
      ))}
      {edges.removed.map((e) => (
        <li key={`-${e.id}`} className="text-danger">
          − connection {edgeText(e)}
        </li>
      ))}
      {settingsChanged.length ? (
        <li>
          ~ workflow settings
          <Fields fields={settingsChanged} />
        </li>
      ) : null}
      {nodes.moved.length ? (
        <li className="text-muted-foreground">{nodes.moved.length} nodes moved</li>
      ) : null}
    </ul>
  );
}

/**
 * Published versions, newest first; picking one shows what the draft changed since, and can
 * restore it (one undo step: undo brings the draft back).
 */
export function VersionsPanel({
  workflowId,
  readOnly,
  open,
  onOpenChange,
  baseVersion,
  onRestored,
  saveNow,
}: {
  workflowId: string;
  readOnly: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  baseVersion: () => number;
  onRestored: (version: number) => void;
  /** Saves pending edits first, so the restore is based on what is stored. */
  saveNow: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const store = useEditorStore();
  const draft = useEditor((s) => s.document);
  const [picked, setPicked] = useState<string | null>(null);
  const versions = useInfiniteQuery({
    ...trpc.workflow.versions.infiniteQueryOptions(
      { workflowId, limit: 20 },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    enabled: open,
  });
  const items = versions.data?.pages.flatMap((p) => p.items) ?? [];
  const chosen = picked ?? items[0]?.id ?? null;
  const detail = useQuery({
    ...trpc.workflow.version.queryOptions({ id: chosen ?? "" }),
    enabled: open && Boolean(chosen),
    staleTime: Infinity,
  });
  const diff = useMemo(
    () =>
      detail.data ? diffWorkflowDocuments(detail.data.document as WorkflowDocument, draft) : null,
    [detail.data, draft],
  );
  const restore = useMutation(trpc.workflow.restore.mutationOptions());
  // Disabled from the click on, through the save that goes first, not only while the request runs.
  const [isRestoring, setRestoring] = useState(false);

  async function restoreVersion(version: { id: string; version: number | null }) {
    setRestoring(true);
    try {
      await restoreDraft(
        store,
        { saveNow, baseVersion, onRestored },
        async (base) => {
          const saved = await restore.mutateAsync({
            workflowId,
            versionId: version.id,
            baseVersion: base,
          });
          return { version: saved.version, document: saved.document as WorkflowDocument };
        },
        `Restore version ${version.version}`,
      );
      onOpenChange(false);
      toast.success(`Restored version ${version.version}; undo brings your draft back`);
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
    } finally {
      setRestoring(false);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      side="right"
      size="xl"
      hasCloseButton
      title={
        <>
          <History className="size-4" aria-hidden />
          Versions
        </>
      }
      description="Published versions of this workflow and what the draft changed since each."
      isDescriptionHidden
      bodyClassName="flex border-t p-0"
    >
      <div className="flex min-h-0 flex-1">
        <div className="w-56 shrink-0 overflow-y-auto border-r p-2">
          {versions.isPending ? (
            <SkeletonRows rows={3} />
          ) : versions.isError ? (
            <ErrorState message={versions.error.message} onRetry={() => void versions.refetch()} />
          ) : items.length === 0 ? (
            <EmptyState icon={History} title="Not published yet">
              <p className="text-sm text-muted-foreground">
                Publish to keep a version you can come back to.
              </p>
            </EmptyState>
          ) : (
            <ul aria-label="Published versions" className="space-y-1">
              {items.map((v) => (
                <li key={v.id}>
                  <button
                    type="button"
                    aria-current={v.id === chosen ? "true" : undefined}
                    onClick={() => setPicked(v.id)}
                    className="w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-muted aria-[current=true]:bg-muted"
                  >
                    <span className="font-medium">Version {v.version}</span>
                    <span className="block truncate text-xs text-muted-foreground">
                      {v.note || "No message"}
                    </span>
                    <span className="block text-xs text-muted-foreground">
                      {when.format(v.createdAt)}
                      {v.createdByName ? ` · ${v.createdByName}` : ""}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <LoadMore query={versions} />
        </div>
        <div className="min-w-0 flex-1 space-y-3 overflow-y-auto p-4">
          {!chosen ? null : detail.isPending ? (
            <SkeletonRows rows={3} />
          ) : detail.isError ? (
            <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />
          ) : (
            <>
              <div className="flex items-center gap-2">
                <h3 className="font-medium">Draft compared with version {detail.data.version}</h3>
                {readOnly ? null : (
                  <Button
                    size="sm"
                    variant="secondary"
                    className="ml-auto"
                    disabled={isRestoring}
                    onClick={() => void restoreVersion(detail.data)}
                  >
                    Restore version {detail.data.version}
                  </Button>
                )}
              </div>
              {diff ? <DiffView diff={diff} /> : null}
            </>
          )}
        </div>
      </div>
    </Dialog>
  );
}
