"use client";

import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Database, Download, Plus } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "sonner";
import { EvaluationList } from "@/components/evaluations";
import { useMe } from "@/components/shared/use-me";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/input";
import { EmptyState, ErrorState, PageHeader, SkeletonRows, Spinner } from "@/components/ui/states";
import { DatasetItems } from "./dataset-items";
import { BackToWorkflow, datasetsPath } from "./datasets-page";
import { downloadText } from "@/components/shared/download";
import { EvaluatorEditor } from "./evaluator-editor";
import { ImportDialog } from "./import-dialog";
import { ItemDialog } from "./item-dialog";
import type { DatasetItemRow, DatasetVersion } from "./types";

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});
const SOURCE_LABELS: Record<DatasetVersion["source"], string> = {
  created: "created",
  manual: "edited by hand",
  import: "imported",
  run: "run added",
};

/**
 * One dataset: its items in a chosen version (the newest by default), adding, editing, removing
 * and importing items (each change makes the next version), export as JSONL, the evaluators, and
 * the dataset's evaluations (components/evaluations).
 */
export function DatasetPage({ workflowId, datasetId }: { workflowId: string; datasetId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const [version, setVersion] = useState<number | undefined>(undefined);
  const [editing, setEditing] = useState<{ item: DatasetItemRow | null } | null>(null);
  const [isExporting, setExporting] = useState(false);
  const detail = useQuery({
    ...trpc.dataset.get.queryOptions({ datasetId, version }),
    placeholderData: keepPreviousData,
  });
  const workflow = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));

  /** After a change: the newest version, and every dataset list and page fresh. */
  function changed() {
    setVersion(undefined);
    void queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() });
  }

  const back = <BackToWorkflow workflowId={workflowId} name={workflow.data?.name} />;
  if (detail.isPending) return <SkeletonRows rows={6} />;
  const notFound = detail.isError
    ? /^(NOT_FOUND|BAD_REQUEST)$/.test(errorCode(detail.error))
    : detail.data.dataset.workflowId !== workflowId;
  if (notFound) {
    return (
      <EmptyState
        icon={Database}
        title={version === undefined ? "Dataset not found" : `Version ${version} not found`}
      >
        <Link href={datasetsPath(workflowId)} className="text-sm underline underline-offset-2">
          Back to the datasets
        </Link>
      </EmptyState>
    );
  }
  if (detail.isError)
    return <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />;

  const { dataset, versions, version: shown, items } = detail.data;
  const newest = versions[0]!;
  const isNewest = shown.version === newest.version;
  const canEdit = can("workflow.edit");

  async function exportShown() {
    setExporting(true);
    try {
      const file = await queryClient.fetchQuery(
        trpc.dataset.export.queryOptions({ datasetId, version: shown.version }),
      );
      downloadText(file.fileName, file.text);
    } catch (error) {
      toast.error(`Export failed: ${(error as Error).message}`);
    } finally {
      setExporting(false);
    }
  }

  return (
    <>
      {back}
      <PageHeader
        title={dataset.name}
        description={dataset.description || undefined}
        actions={
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              onClick={() => void exportShown()}
              disabled={isExporting}
              title="Download this version as JSONL (an import reads it back)"
            >
              {isExporting ? <Spinner /> : <Download className="size-4" aria-hidden />} Export
            </Button>
            {canEdit ? (
              <>
                <ImportDialog datasetId={datasetId} onImported={changed} />
                <Button onClick={() => setEditing({ item: null })}>
                  <Plus className="size-4" aria-hidden /> Add item
                </Button>
              </>
            ) : null}
          </div>
        }
      />

      <div className="space-y-8">
        <section aria-labelledby="items-title" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <div>
              <h2 id="items-title" className="text-lg font-semibold">
                Items
              </h2>
              <p className="text-sm text-muted-foreground">
                Every change makes a new version; earlier versions never change, and an evaluation
                names the version it used.
              </p>
            </div>
            <div className="space-y-1">
              <Label htmlFor="dataset-version" className="block">
                Version
              </Label>
              <select
                id="dataset-version"
                className="h-9 rounded-md border bg-card px-2 text-sm"
                value={shown.version}
                onChange={(e) =>
                  setVersion(
                    Number(e.target.value) === newest.version ? undefined : Number(e.target.value),
                  )
                }
              >
                {versions.map((v) => (
                  <option key={v.id} value={v.version}>
                    Version {v.version}
                    {v.version === newest.version ? " (newest)" : ""} · {v.itemCount} item
                    {v.itemCount === 1 ? "" : "s"} · {SOURCE_LABELS[v.source]} ·{" "}
                    {dateTimeFormat.format(v.createdAt)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {isNewest ? null : (
            <p
              role="note"
              className="rounded-lg border border-amber-600/40 bg-amber-500/10 p-3 text-sm"
            >
              You are looking at version {shown.version}. Changes are made on the newest version (
              {newest.version}).{" "}
              <button
                type="button"
                className="font-medium underline underline-offset-2"
                onClick={() => setVersion(undefined)}
              >
                Show the newest
              </button>
            </p>
          )}
          <DatasetItems
            key={shown.id}
            datasetId={datasetId}
            items={items}
            canChange={canEdit && isNewest}
            onEdit={(item) => setEditing({ item })}
            onChanged={changed}
          />
        </section>

        <EvaluatorEditor
          datasetId={datasetId}
          evaluators={dataset.evaluators}
          canEdit={canEdit}
          onSaved={() => void queryClient.invalidateQueries({ queryKey: trpc.dataset.pathKey() })}
        />

        <EvaluationList workflowId={workflowId} datasetId={datasetId} />
      </div>

      <ItemDialog
        datasetId={datasetId}
        item={editing?.item ?? null}
        open={editing !== null}
        onOpenChange={(open) => (open ? null : setEditing(null))}
        onSaved={() => {
          setEditing(null);
          changed();
        }}
      />
    </>
  );
}
