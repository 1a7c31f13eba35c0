"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { BellOff, Settings } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, LoadMore, PageHeader, SkeletonRows } from "@/components/ui/states";
import { AlertFilters, DEFAULT_FILTER, isDefaultFilter } from "./alert-filters";
import { AlertStatusBadge, SeverityBadge } from "./alert-badges";
import { formatDateTime, formatShortDateTime } from "./format";
import type { AlertItem } from "./types";
import { WatchedSummary } from "./watched-summary";

const PAGE_SIZE = 25;

/**
 * The tenant's alerts, newest first, filtered; active ones by default. The list refetches when the
 * tenant's alerts change: the shell's live count (useLiveAlertCount) invalidates it.
 */
export function AlertList() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.anomaly.settings.queryOptions());
  const [filter, setFilter] = useState(DEFAULT_FILTER);
  const list = useInfiniteQuery(
    trpc.anomaly.list.infiniteQueryOptions(
      {
        limit: PAGE_SIZE,
        status: filter.status === "all" ? undefined : filter.status,
        severity: filter.severity || undefined,
        metric: filter.metric || undefined,
      },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const metrics = settings.data?.metrics ?? [];
  const labelOf = (metric: string) => metrics.find((m) => m.metric === metric)?.label ?? metric;
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  const isFiltered = !isDefaultFilter(filter);

  return (
    <>
      <PageHeader
        title="Anomalies"
        description="Alerts raised when a watched series leaves its expected band, and what was done about them."
        actions={
          <Link
            href="/anomalies/settings"
            className="inline-flex h-10 items-center gap-2 rounded-md border bg-card px-4 text-sm font-medium hover:bg-muted focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
          >
            <Settings className="size-4" aria-hidden />
            Settings
          </Link>
        }
      />
      <AlertFilters value={filter} onChange={setFilter} metrics={metrics} />
      {list.isPending ? (
        <SkeletonRows rows={5} />
      ) : list.isError ? (
        <ErrorState message={list.error.message} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          icon={BellOff}
          title={isFiltered ? "No alert matches" : "All quiet: no open alerts"}
        >
          {isFiltered ? (
            <>
              <p className="max-w-sm text-sm text-muted-foreground">Try other filters.</p>
              <Button variant="secondary" onClick={() => setFilter(DEFAULT_FILTER)}>
                Clear filters
              </Button>
            </>
          ) : (
            <>
              <p className="max-w-lg text-sm text-muted-foreground">
                Maestro learns the usual range of these series and raises an alert here when one
                leaves it, with the runs behind it and what was done about it.
              </p>
              <WatchedSummary metrics={metrics} />
              <Button
                variant="secondary"
                onClick={() => setFilter({ ...DEFAULT_FILTER, status: "all" })}
              >
                Show past alerts
              </Button>
            </>
          )}
        </EmptyState>
      ) : (
        <ul aria-label="Alerts" className="divide-y rounded-xl border bg-card">
          {items.map((alert) => (
            <AlertRow key={alert.id} alert={alert} metricLabel={labelOf(alert.metric)} />
          ))}
        </ul>
      )}
      <LoadMore query={list} />
    </>
  );
}

function AlertRow({ alert, metricLabel }: { alert: AlertItem; metricLabel: string }) {
  return (
    <li
      data-testid="alert-row"
      className="grid grid-cols-[auto_minmax(0,1fr)_auto] items-center gap-x-4 gap-y-1 px-4 py-3 md:grid-cols-[5.5rem_minmax(0,1fr)_8.5rem_8.5rem_7rem]"
    >
      <SeverityBadge severity={alert.severity} className="justify-self-start" />
      <div className="min-w-0">
        <Link
          href={`/anomalies/${alert.id}`}
          className="block truncate font-medium hover:underline"
        >
          {alert.title}
        </Link>
        <p className="truncate text-xs text-muted-foreground">
          {alert.subjectLabel} · {metricLabel}
          {alert.occurrences > 1 ? ` · ${alert.occurrences} points` : ""}
          {alert.actions.length
            ? ` · ${alert.actions.length} ${alert.actions.length === 1 ? "action" : "actions"} taken`
            : ""}
        </p>
      </div>
      <When label="Started" at={alert.startedAt} />
      <When label="Last seen" at={alert.lastSeenAt} />
      <AlertStatusBadge status={alert.status} className="justify-self-end" />
    </li>
  );
}

function When({ label, at }: { label: string; at: Date }) {
  return (
    <p className="hidden text-right text-xs text-muted-foreground md:block">
      {label}
      <br />
      <time
        dateTime={at.toISOString()}
        title={formatDateTime(at)}
        className="text-sm tabular-nums text-foreground"
      >
        {formatShortDateTime(at)}
      </time>
    </p>
  );
}
