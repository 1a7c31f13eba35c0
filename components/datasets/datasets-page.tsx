"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Database } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMe } from "@/components/shared/use-me";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState, ErrorState, PageHeader, SkeletonRows } from "@/components/ui/states";
import { NewDatasetDialog } from "./new-dataset-dialog";

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

export function datasetsPath(workflowId: string): string {
  return `/workflows/${workflowId}/datasets`;
}

export function datasetPath(workflowId: string, datasetId: string): string {
  return `${datasetsPath(workflowId)}/${datasetId}`;
}

/** Back to the workflow's canvas, with its name once known. */
export function BackToWorkflow({ workflowId, name }: { workflowId: string; name?: string }) {
  return (
    <Link
      href={`/workflows/${workflowId}`}
      className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeft className="size-4" aria-hidden /> {name ?? "Workflow"}
    </Link>
  );
}

/** A workflow's datasets: name, items and version of each, evaluators; "New dataset". */
export function DatasetsPage({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { can } = useMe();
  const workflow = useQuery(trpc.workflow.get.queryOptions({ id: workflowId }));
  const list = useQuery(trpc.dataset.list.queryOptions({ workflowId }));

  if (list.isError && errorCode(list.error) === "NOT_FOUND") {
    return (
      <EmptyState icon={Database} title="Workflow not found">
        <Link href="/workflows" className="text-sm underline underline-offset-2">
          Back to workflows
        </Link>
      </EmptyState>
    );
  }

  return (
    <>
      <BackToWorkflow workflowId={workflowId} name={workflow.data?.name} />
      <PageHeader
        title="Datasets"
        description={
          workflow.data
            ? `Test cases for “${workflow.data.name}”: evaluate a version against them before it goes live.`
            : undefined
        }
        actions={
          <div className="flex items-center gap-3">
            <Link
              href={`/workflows/${workflowId}/evaluations`}
              className="text-sm underline underline-offset-2"
            >
              All evaluations
            </Link>
            {can("workflow.edit") ? (
              <NewDatasetDialog
                workflowId={workflowId}
                onCreated={(id) => router.push(datasetPath(workflowId, id))}
              />
            ) : null}
          </div>
        }
      />
      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState icon={Database} title="No datasets yet">
          <p className="max-w-md text-sm text-muted-foreground">
            A dataset is a set of test cases for this workflow: each item is an input, optionally
            the answer you expect (the reference) and tags. Evaluators score the workflow&apos;s
            output for every item, so you can compare versions before publishing one. Every change
            to a dataset makes a new version, and an evaluation names the version it used.
          </p>
          {can("workflow.edit") ? null : (
            <p className="text-sm text-muted-foreground">Ask an editor to create one.</p>
          )}
        </EmptyState>
      ) : (
        <DataTable
          label="Datasets"
          columns={[
            { label: "Name" },
            { label: "Items", align: "right" },
            { label: "Latest version", align: "right" },
            { label: "Evaluators", align: "right" },
            { label: "Updated" },
          ]}
        >
          <tbody className="divide-y">
            {list.data.map((dataset) => (
              <tr key={dataset.id} className="hover:bg-muted/40">
                <td className="px-4 py-2">
                  <Link
                    href={datasetPath(workflowId, dataset.id)}
                    className="font-medium underline-offset-2 hover:underline"
                  >
                    {dataset.name}
                  </Link>
                  {dataset.description ? (
                    <div className="max-w-md truncate text-xs text-muted-foreground">
                      {dataset.description}
                    </div>
                  ) : null}
                </td>
                <td className="px-4 py-2 text-right tabular-nums">{dataset.itemCount}</td>
                <td className="px-4 py-2 text-right tabular-nums">v{dataset.latestVersion}</td>
                <td className="px-4 py-2 text-right tabular-nums">{dataset.evaluators.length}</td>
                <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
                  {dateTimeFormat.format(dataset.updatedAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </DataTable>
      )}
    </>
  );
}
