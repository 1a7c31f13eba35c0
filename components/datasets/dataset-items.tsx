"use client";

import { useMutation } from "@tanstack/react-query";
import { ListPlus, Pencil, Trash2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { Dialog } from "@/components/ui/dialog";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { DialogActions } from "@/components/ui/dialog-actions";
import { EmptyState } from "@/components/ui/states";
import { previewJson } from "./item-form";
import type { DatasetItemRow } from "./types";

export const ITEMS_PER_PAGE = 25;

/** A version's items, a page at a time; edit and remove when it is the newest version and the user may edit. */
export function DatasetItems({
  datasetId,
  items,
  canChange,
  onEdit,
  onChanged,
}: {
  datasetId: string;
  items: DatasetItemRow[];
  canChange: boolean;
  onEdit: (item: DatasetItemRow) => void;
  onChanged: () => void;
}) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / ITEMS_PER_PAGE));
  const current = Math.min(page, pages - 1);
  const shown = items.slice(current * ITEMS_PER_PAGE, (current + 1) * ITEMS_PER_PAGE);

  if (items.length === 0) {
    return (
      <EmptyState icon={ListPlus} title="No items in this version">
        <p className="max-w-md text-sm text-muted-foreground">
          Add an item by hand, import a CSV or JSONL file, or open a finished run and choose
          &quot;Add to dataset&quot;.
        </p>
      </EmptyState>
    );
  }
  return (
    <div className="space-y-3">
      <DataTable
        label="Items"
        columns={[
          { label: "Id" },
          { label: "Input" },
          { label: "Reference output" },
          { label: "Tags" },
          ...(canChange ? [{ label: "Actions", srOnly: true }] : []),
        ]}
      >
        <tbody className="divide-y">
          {shown.map((item) => (
            <tr key={item.id}>
              <td className="max-w-[10rem] truncate px-4 py-2 font-mono text-xs" title={item.id}>
                {item.id}
              </td>
              <td className="max-w-sm px-4 py-2">
                <code
                  className="block truncate font-mono text-xs"
                  title={JSON.stringify(item.input, null, 2)}
                >
                  {previewJson(item.input)}
                </code>
              </td>
              <td className="max-w-sm px-4 py-2">
                {item.reference === undefined ? (
                  <span className="text-xs text-muted-foreground">none</span>
                ) : (
                  <code
                    className="block truncate font-mono text-xs"
                    title={
                      typeof item.reference === "string"
                        ? item.reference
                        : JSON.stringify(item.reference, null, 2)
                    }
                  >
                    {previewJson(item.reference)}
                  </code>
                )}
              </td>
              <td className="px-4 py-2">
                <div className="flex flex-wrap gap-1">
                  {item.tags.map((tag) => (
                    <span key={tag} className="rounded border bg-muted px-1.5 py-0.5 text-xs">
                      {tag}
                    </span>
                  ))}
                </div>
              </td>
              {canChange ? (
                <td className="whitespace-nowrap px-4 py-2 text-right">
                  <Button
                    variant="ghost"
                    size="sm"
                    aria-label={`Edit item ${item.id}`}
                    onClick={() => onEdit(item)}
                  >
                    <Pencil className="size-4" aria-hidden />
                  </Button>
                  <RemoveItemButton datasetId={datasetId} item={item} onRemoved={onChanged} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </DataTable>
      {pages > 1 ? (
        <nav
          aria-label="Item pages"
          className="flex items-center justify-between text-sm text-muted-foreground"
        >
          <span>
            Items {current * ITEMS_PER_PAGE + 1}–{current * ITEMS_PER_PAGE + shown.length} of{" "}
            {items.length}
          </span>
          <span className="flex gap-2">
            <Button
              variant="secondary"
              size="sm"
              disabled={current === 0}
              onClick={() => setPage(current - 1)}
            >
              Previous
            </Button>
            <Button
              variant="secondary"
              size="sm"
              disabled={current >= pages - 1}
              onClick={() => setPage(current + 1)}
            >
              Next
            </Button>
          </span>
        </nav>
      ) : (
        <p className="text-sm text-muted-foreground">
          {items.length} item{items.length === 1 ? "" : "s"}
        </p>
      )}
    </div>
  );
}

function RemoveItemButton({
  datasetId,
  item,
  onRemoved,
}: {
  datasetId: string;
  item: DatasetItemRow;
  onRemoved: () => void;
}) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.dataset.removeItems.mutationOptions({
      onSuccess: ({ version }) => {
        toast.success(`Item removed: version ${version.version}`);
        setOpen(false);
        onRemoved();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  function submit(event: FormEvent) {
    event.preventDefault();
    remove.mutate({ datasetId, itemIds: [item.id] });
  }
  return (
    <Dialog
      open={open}
      onOpenChange={setOpen}
      trigger={
        <Button variant="ghost" size="sm" aria-label={`Remove item ${item.id}`}>
          <Trash2 className="size-4" aria-hidden />
        </Button>
      }
      size="sm"
      title="Remove this item?"
      description={
        <>
          The next version of the dataset leaves out{" "}
          <code className="font-mono text-xs">{previewJson(item.input, 60)}</code>. Earlier
          versions, and evaluations that used them, keep it.
        </>
      }
    >
      <form onSubmit={submit}>
        <DialogActions submitLabel="Remove item" isPending={remove.isPending} />
      </form>
    </Dialog>
  );
}
