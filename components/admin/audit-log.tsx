"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { ScrollText } from "lucide-react";
import { useTRPC } from "@/components/trpc/react";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

/** The tenant's audit log, newest first, a page at a time. */
export function AuditLog() {
  const trpc = useTRPC();
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ limit: 25 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  if (log.isPending) return <SkeletonRows rows={5} />;
  if (log.isError) return <ErrorState message={log.error.message} onRetry={() => void log.refetch()} />;
  const items = log.data.pages.flatMap((p) => p.items);
  if (items.length === 0) return <EmptyState icon={ScrollText} title="Nothing recorded yet" />;
  return (
    <>
      <div className="overflow-x-auto rounded-xl border bg-card">
        <table className="w-full text-left text-sm">
          <thead className="border-b text-xs uppercase text-muted-foreground">
            <tr>
              <th className="px-4 py-2 font-medium">When</th>
              <th className="px-4 py-2 font-medium">Who</th>
              <th className="px-4 py-2 font-medium">Action</th>
              <th className="px-4 py-2 font-medium">Target</th>
              <th className="px-4 py-2 font-medium">From</th>
            </tr>
          </thead>
          <tbody className="divide-y">
            {items.map((entry) => (
              <tr key={entry.id}>
                <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">{dateFormat.format(entry.createdAt)}</td>
                <td className="px-4 py-2">{entry.actorName ?? entry.actorLabel}</td>
                <td className="px-4 py-2 font-mono text-xs">{entry.action}</td>
                <td className="px-4 py-2 text-muted-foreground">
                  {entry.targetType ? `${entry.targetType} ${String(entry.metadata.name ?? entry.targetId ?? "")}` : "—"}
                </td>
                <td className="px-4 py-2 text-muted-foreground">{entry.ip ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore query={log} />
    </>
  );
}
