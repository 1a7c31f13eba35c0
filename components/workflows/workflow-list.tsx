"use client";

import { downloadText } from "@/components/shared/download";
import * as Menu from "@radix-ui/react-dropdown-menu";
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { FileUp, MoreHorizontal, Play, Plus, Workflow } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useDeferredValue, useRef, useState } from "react";
import { toast } from "sonner";
import { useMe } from "@/components/shared/use-me";
import { DescribeTaskDialog } from "@/components/autonomy";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { SearchInput } from "@/components/ui/input";
import { EmptyState, ErrorState, LoadMore, PageHeader, SkeletonRows } from "@/components/ui/states";
import { publishedLabel } from "./published-label";
import { RunDialog } from "./run-dialog";
import { WorkflowFormDialog } from "./workflow-form-dialog";

const PAGE_SIZE = 20;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

interface WorkflowItem {
  id: string;
  name: string;
  description: string;
  publishedVersion: number | null;
  updatedAt: Date;
  pausedAt: Date | null;
  pausedReason: string | null;
}

export function WorkflowList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const canEdit = can("workflow.edit");
  const canRun = can("workflow.run");
  const [running, setRunning] = useState<WorkflowItem | null>(null);
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search.trim());
  const [isCreating, setCreating] = useState(false);
  const [isDescribing, setDescribing] = useState(false);
  const [editing, setEditing] = useState<WorkflowItem | null>(null);

  const list = useInfiniteQuery(
    trpc.workflow.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, search: deferredSearch || undefined },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.workflow.list.pathKey() });

  const router = useRouter();
  const openEditor = (workflow: { id: string; name: string }, verb: string) => {
    toast.success(`${verb} “${workflow.name}”`);
    void refresh();
    router.push(`/workflows/${workflow.id}`);
  };
  const templates = useQuery({ ...trpc.workflow.templates.queryOptions(), enabled: isCreating });
  const create = useMutation(
    trpc.workflow.create.mutationOptions({
      onSuccess: (workflow) => {
        setCreating(false);
        openEditor(workflow, "Created");
      },
    }),
  );
  const duplicate = useMutation(
    trpc.workflow.duplicate.mutationOptions({
      onSuccess: (workflow) => openEditor(workflow, "Created"),
      onError: (error) => toast.error(error.message),
    }),
  );
  const importFile = useMutation(
    trpc.workflow.import.mutationOptions({
      onSuccess: (workflow) => openEditor(workflow, "Imported"),
      onError: (error) => toast.error(error.message),
    }),
  );
  const fileInput = useRef<HTMLInputElement>(null);
  async function importChosenFile(file: File | undefined) {
    if (!file) return;
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      return toast.error(`${file.name} is not a JSON file.`);
    }
    importFile.mutate({ file: json });
  }
  async function exportWorkflow(workflow: WorkflowItem) {
    try {
      const file = await queryClient.fetchQuery(
        trpc.workflow.export.queryOptions({ id: workflow.id }),
      );
      downloadText(
        `${workflow.name.replace(/[^\w.-]+/g, "-")}.workflow.json`,
        JSON.stringify(file, null, 2),
        "application/json",
      );
    } catch (error) {
      toast.error((error as Error).message);
    }
  }
  const rename = useMutation(
    trpc.workflow.rename.mutationOptions({
      onSuccess: () => {
        setEditing(null);
        void refresh();
      },
    }),
  );
  const onPauseChange = (verb: string) => ({
    onSuccess: (_: unknown, input: { id: string }) => {
      const workflow = items.find((w) => w.id === input.id);
      toast.success(`${verb} “${workflow?.name ?? "the workflow"}”`);
      void refresh();
      // The editor loads a workflow once and keeps it: it must load this one again.
      void queryClient.invalidateQueries({
        queryKey: trpc.workflow.get.queryKey({ id: input.id }),
      });
    },
    onError: (error: { message: string }) => toast.error(error.message),
  });
  const pause = useMutation(trpc.workflow.pause.mutationOptions(onPauseChange("Paused")));
  const resume = useMutation(trpc.workflow.resume.mutationOptions(onPauseChange("Resumed")));
  const remove = useMutation(
    trpc.workflow.delete.mutationOptions({
      onSuccess: () => {
        toast.success("Workflow deleted");
        void refresh();
      },
      onError: (error) => toast.error(error.message),
    }),
  );

  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const newButton = (
    <Button disabled={!canEdit} title={canEdit ? undefined : "Viewers cannot create workflows"}>
      <Plus className="size-4" aria-hidden />
      New workflow
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Workflows"
        description="Agent workflows of this tenant: open one to edit it on the canvas."
        actions={
          <div className="flex gap-2">
            {canEdit ? (
              <>
                <input
                  ref={fileInput}
                  type="file"
                  accept="application/json,.json"
                  className="sr-only"
                  aria-label="Workflow file to import"
                  onChange={(e) => {
                    void importChosenFile(e.target.files?.[0]);
                    e.target.value = "";
                  }}
                />
                <Button
                  variant="secondary"
                  onClick={() => fileInput.current?.click()}
                  disabled={importFile.isPending}
                >
                  <FileUp className="size-4" aria-hidden /> Import
                </Button>
              </>
            ) : null}
            <WorkflowFormDialog
              title="New workflow"
              submitLabel="Create"
              trigger={newButton}
              open={isCreating}
              onOpenChange={(open) => {
                setCreating(open);
                create.reset();
              }}
              onSubmit={(values) => create.mutate(values as Parameters<typeof create.mutate>[0])}
              isPending={create.isPending}
              error={create.error}
              templates={templates.data ?? []}
              onDescribeTask={() => {
                setCreating(false);
                setDescribing(true);
              }}
            />
          </div>
        }
      />
      <SearchInput
        label="Search workflows"
        placeholder="Search workflows"
        value={search}
        onChange={setSearch}
      />

      {list.isPending ? (
        <SkeletonRows />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          icon={Workflow}
          title={deferredSearch ? "No workflow matches" : "No workflows yet"}
        >
          <p className="max-w-sm text-sm text-muted-foreground">
            {deferredSearch
              ? `Nothing is named like “${deferredSearch}”.`
              : canEdit
                ? "Create one to start designing an agent workflow."
                : "An editor of this tenant can create the first one."}
          </p>
        </EmptyState>
      ) : (
        <ul className="divide-y rounded-xl border bg-card" aria-label="Workflows">
          {items.map((workflow) => (
            <li key={workflow.id} className="flex items-center gap-4 px-4 py-3">
              <Workflow className="size-5 shrink-0 text-primary" aria-hidden />
              <div className="min-w-0 flex-1">
                <div className="flex min-w-0 items-center gap-2">
                  <Link
                    href={`/workflows/${workflow.id}`}
                    className="truncate font-medium hover:underline"
                  >
                    {workflow.name}
                  </Link>
                  {workflow.pausedAt ? (
                    <span
                      className="shrink-0 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900 dark:text-amber-100"
                      title={
                        workflow.pausedReason ?? "Paused: runs are refused until it is resumed"
                      }
                    >
                      Paused
                    </span>
                  ) : null}
                </div>
                <p className="truncate text-sm text-muted-foreground">
                  {workflow.description || "No description"}
                </p>
              </div>
              <span className="hidden text-xs text-muted-foreground sm:block">
                {publishedLabel(workflow.publishedVersion)} ·{" "}
                {dateFormat.format(workflow.updatedAt)}
              </span>
              {canRun ? (
                <Button
                  variant="secondary"
                  size="sm"
                  aria-label={`Run ${workflow.name}`}
                  onClick={() => setRunning(workflow)}
                >
                  <Play className="size-4" aria-hidden />
                  Run
                </Button>
              ) : null}
              {canEdit ? (
                <Menu.Root>
                  <Menu.Trigger
                    aria-label={`Actions for ${workflow.name}`}
                    className="rounded-md p-1.5 hover:bg-muted"
                  >
                    <MoreHorizontal className="size-4" aria-hidden />
                  </Menu.Trigger>
                  <Menu.Portal>
                    <Menu.Content
                      align="end"
                      className="z-50 min-w-40 rounded-lg border bg-card p-1 shadow-lg"
                    >
                      <Menu.Item
                        className="cursor-pointer rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted"
                        onSelect={() => {
                          rename.reset();
                          setEditing(workflow);
                        }}
                      >
                        Rename…
                      </Menu.Item>
                      <Menu.Item
                        className="cursor-pointer rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted"
                        onSelect={() => duplicate.mutate({ id: workflow.id })}
                      >
                        Duplicate
                      </Menu.Item>
                      <Menu.Item
                        className="cursor-pointer rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted"
                        onSelect={() => void exportWorkflow(workflow)}
                      >
                        Export JSON
                      </Menu.Item>
                      <Menu.Item
                        className="cursor-pointer rounded-md px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-muted"
                        onSelect={() =>
                          workflow.pausedAt
                            ? resume.mutate({ id: workflow.id })
                            : pause.mutate({ id: workflow.id })
                        }
                      >
                        {workflow.pausedAt ? "Resume runs" : "Pause runs"}
                      </Menu.Item>
                      <Menu.Item
                        className="cursor-pointer rounded-md px-2 py-1.5 text-sm text-danger outline-none data-[highlighted]:bg-muted"
                        onSelect={() => {
                          if (window.confirm(`Delete “${workflow.name}”? This cannot be undone.`))
                            remove.mutate({ id: workflow.id });
                        }}
                      >
                        Delete
                      </Menu.Item>
                    </Menu.Content>
                  </Menu.Portal>
                </Menu.Root>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      <LoadMore query={list} />

      <DescribeTaskDialog
        open={isDescribing}
        onOpenChange={setDescribing}
        onCreated={(workflow) => openEditor(workflow, "Created")}
      />

      {running ? <RunDialog workflow={running} onClose={() => setRunning(null)} /> : null}

      {editing ? (
        <WorkflowFormDialog
          title="Rename workflow"
          submitLabel="Save"
          initial={editing}
          open
          onOpenChange={(open) => !open && setEditing(null)}
          onSubmit={(values) => rename.mutate({ id: editing.id, ...values })}
          isPending={rename.isPending}
          error={rename.error}
        />
      ) : null}
    </>
  );
}
