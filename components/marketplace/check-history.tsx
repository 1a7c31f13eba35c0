"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { HeartPulse } from "lucide-react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";
import { StatusBadge } from "./status-badge";
import { dateFormat } from "./types";

/** Checks and periodic health probes, newest first, for an installation or a catalog entry. */
export function CheckHistory({
  installationId,
  catalogEntryId,
}: {
  installationId?: string;
  catalogEntryId?: string;
}) {
  const trpc = useTRPC();
  const history = useInfiniteQuery(
    trpc.mcp.listChecks.infiniteQueryOptions(
      {
        limit: 10,
        ...(installationId ? { installationId } : {}),
        ...(catalogEntryId ? { catalogEntryId } : {}),
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  if (history.isPending) return <SkeletonRows rows={2} />;
  if (history.isError)
    return <ErrorState message={history.error.message} onRetry={() => void history.refetch()} />;
  const items = history.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <EmptyState icon={HeartPulse} title="No checks yet">
        <p className="text-sm text-muted-foreground">
          Install the server and press “Check server”; periodic health checks add to this list.
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <table
        className="w-full rounded-xl border bg-card text-left text-sm"
        aria-label="Health history"
      >
        <thead className="border-b text-xs uppercase text-muted-foreground">
          <tr>
            <th className="px-4 py-2 font-medium">When</th>
            <th className="px-4 py-2 font-medium">Kind</th>
            <th className="px-4 py-2 font-medium">Status</th>
            <th className="px-4 py-2 font-medium">Connect / latency</th>
            <th className="px-4 py-2 font-medium">Call</th>
          </tr>
        </thead>
        <tbody className="divide-y">
          {items.map((check) => (
            <tr key={check.id}>
              <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
                {dateFormat.format(check.createdAt)}
              </td>
              <td className="px-4 py-2">{check.kind === "check" ? "Check" : "Health"}</td>
              <td className="px-4 py-2">
                <StatusBadge status={check.status} />
              </td>
              <td className="px-4 py-2 text-muted-foreground">
                {check.connectMs === null ? "—" : `${check.connectMs} ms`}
              </td>
              <td className="px-4 py-2 text-muted-foreground">
                {check.callMs === null ? "—" : `${check.callMs} ms`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {history.hasNextPage ? (
        <div className="mt-3 flex justify-center">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => void history.fetchNextPage()}
            disabled={history.isFetchingNextPage}
          >
            {history.isFetchingNextPage ? <Spinner /> : null}
            Load more
          </Button>
        </div>
      ) : null}
    </>
  );
}
