"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { ChevronDown, ChevronRight, Download, ScrollText } from "lucide-react";
import { Fragment, useRef, useState, type FormEvent } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "@/components/ui/states";
import type { AppRouter } from "@/server/api/root";
import { AdminSection } from "./admin-page";
import { DataTable } from "@/components/ui/data-table";
import type { AuditFilters as RepositoryAuditFilters } from "@/server/repositories/audit";

type Entry = inferRouterOutputs<AppRouter>["audit"]["list"]["items"][number];

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const SELECT = "h-10 w-full rounded-md border bg-card px-2 text-sm";

/** The filters as the procedures and the CSV export take them (the tenant comes from the session); empty means any. */
type AuditFilters = Omit<RepositoryAuditFilters, "tenantId">;

/** A local calendar day "YYYY-MM-DD" from a date input → its first instant; `nextDay` for an end that includes the day. */
function dayStart(value: string, nextDay = false): Date | undefined {
  if (!value) return undefined;
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y!, m! - 1, d! + (nextDay ? 1 : 0));
}

function exportHref(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value instanceof Date) params.set(key, value.toISOString());
    else if (value) params.set(key, value);
  }
  const query = params.toString();
  return `/api/audit/export${query ? `?${query}` : ""}`;
}

/** Admin → Audit log: every change and sign-in in this tenant, filtered, a page at a time, exportable. */
export function AuditLogPage() {
  const [filters, setFilters] = useState<AuditFilters>({});
  return (
    <AdminSection
      permission="audit.view"
      title="Audit log"
      description="Every change and sign-in in this tenant. Records cannot be changed or deleted."
      actions={
        <a
          href={exportHref(filters)}
          download
          className="inline-flex h-9 items-center gap-2 rounded-md border bg-card px-3 text-sm font-medium hover:bg-muted"
        >
          <Download className="size-4" aria-hidden />
          Export CSV
        </a>
      }
    >
      <AuditFilterBar onApply={setFilters} />
      <AuditLog filters={filters} />
    </AdminSection>
  );
}

function AuditFilterBar({ onApply }: { onApply: (filters: AuditFilters) => void }) {
  const trpc = useTRPC();
  const facets = useQuery(trpc.audit.facets.queryOptions());
  const form = useRef<HTMLFormElement>(null);
  const submitNow = () => form.current?.requestSubmit();

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "").trim() || undefined;
    onApply({
      action: text("action"),
      actorUserId: text("actorUserId"),
      actor: text("actor"),
      targetType: text("targetType"),
      targetId: text("targetId"),
      from: dayStart(text("from") ?? ""),
      to: dayStart(text("to") ?? "", true),
    });
  }

  return (
    <form
      ref={form}
      onSubmit={apply}
      aria-label="Filter the audit log"
      className="mb-4 grid gap-3 rounded-xl border bg-card p-4 sm:grid-cols-2 lg:grid-cols-4"
    >
      <div className="space-y-1.5">
        <Label htmlFor="audit-action">Action</Label>
        <select
          id="audit-action"
          name="action"
          className={SELECT}
          onChange={submitNow}
          defaultValue=""
        >
          <option value="">Any action</option>
          {facets.data?.actions.map((action) => (
            <option key={action}>{action}</option>
          ))}
        </select>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-member">Member</Label>
        <select
          id="audit-member"
          name="actorUserId"
          className={SELECT}
          onChange={submitNow}
          defaultValue=""
        >
          <option value="">Anyone</option>
          {facets.data?.actors.map((actor) => (
            <option key={actor.userId} value={actor.userId}>
              {actor.name} ({actor.label})
            </option>
          ))}
        </select>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-actor">Actor e-mail contains</Label>
        <Input id="audit-actor" name="actor" placeholder="e.g. dana@" maxLength={200} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-target-type">Target type</Label>
        <select
          id="audit-target-type"
          name="targetType"
          className={SELECT}
          onChange={submitNow}
          defaultValue=""
        >
          <option value="">Any target</option>
          {facets.data?.targetTypes.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-target-id">Target id</Label>
        <Input id="audit-target-id" name="targetId" maxLength={200} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-from">From</Label>
        <Input id="audit-from" name="from" type="date" onChange={submitNow} />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor="audit-to">To</Label>
        <Input id="audit-to" name="to" type="date" onChange={submitNow} />
      </div>
      <div className="flex items-end gap-2">
        <Button type="submit" variant="secondary">
          Apply filters
        </Button>
        <Button
          type="button"
          variant="ghost"
          onClick={() => {
            form.current?.reset();
            onApply({});
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}

/** The tenant's audit log, newest first, a page at a time; each row opens to its details. */
export function AuditLog({ filters = {} }: { filters?: AuditFilters }) {
  const trpc = useTRPC();
  const log = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { limit: 25, ...filters },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  if (log.isPending) return <SkeletonRows rows={5} />;
  if (log.isError)
    return <ErrorState message={log.error.message} onRetry={() => void log.refetch()} />;
  const items = log.data.pages.flatMap((p) => p.items);
  const isFiltered = Object.values(filters).some(Boolean);
  if (items.length === 0)
    return (
      <EmptyState
        icon={ScrollText}
        title={isFiltered ? "No records match these filters" : "Nothing recorded yet"}
      />
    );
  return (
    <>
      <DataTable
        label="Audit records"
        columns={[
          { label: "Details", srOnly: true, className: "w-8 px-2" },
          { label: "When" },
          { label: "Who" },
          { label: "Action" },
          { label: "Target" },
          { label: "From" },
        ]}
      >
        <tbody className="divide-y">
          {items.map((entry) => (
            <AuditRow
              key={entry.id}
              entry={entry}
              isOpen={open.has(entry.id)}
              onToggle={() => toggle(entry.id)}
            />
          ))}
        </tbody>
      </DataTable>
      <LoadMore query={log} />
    </>
  );
}

function AuditRow({
  entry,
  isOpen,
  onToggle,
}: {
  entry: Entry;
  isOpen: boolean;
  onToggle: () => void;
}) {
  const detailsId = `audit-details-${entry.id}`;
  const Chevron = isOpen ? ChevronDown : ChevronRight;
  return (
    <Fragment>
      <tr>
        <td className="px-2 py-2">
          <button
            type="button"
            onClick={onToggle}
            aria-expanded={isOpen}
            aria-controls={detailsId}
            aria-label={`Details of ${entry.action} at ${dateFormat.format(entry.createdAt)}`}
            className="rounded p-1 hover:bg-muted"
          >
            <Chevron className="size-4" aria-hidden />
          </button>
        </td>
        <td className="whitespace-nowrap px-4 py-2 text-muted-foreground">
          {dateFormat.format(entry.createdAt)}
        </td>
        <td className="px-4 py-2">{entry.actorName ?? entry.actorLabel}</td>
        <td className="px-4 py-2 font-mono text-xs">{entry.action}</td>
        <td className="px-4 py-2 text-muted-foreground">
          {entry.targetType
            ? `${entry.targetType} ${String(entry.metadata.name ?? entry.targetId ?? "")}`
            : "—"}
        </td>
        <td className="px-4 py-2 text-muted-foreground">{entry.ip ?? "—"}</td>
      </tr>
      {isOpen ? (
        <tr id={detailsId} className="bg-muted/40">
          <td />
          <td colSpan={5} className="px-4 py-3">
            <dl className="grid gap-x-6 gap-y-1 text-xs sm:grid-cols-[auto_1fr]">
              <dt className="text-muted-foreground">Actor</dt>
              <dd>{entry.actorLabel}</dd>
              <dt className="text-muted-foreground">Target</dt>
              <dd className="font-mono">
                {entry.targetType ? `${entry.targetType} ${entry.targetId ?? ""}` : "—"}
              </dd>
              <dt className="text-muted-foreground">User agent</dt>
              <dd className="break-all">{entry.userAgent ?? "—"}</dd>
              <dt className="text-muted-foreground">Metadata</dt>
              <dd>
                <pre
                  className="overflow-x-auto whitespace-pre-wrap break-all font-mono"
                  aria-label="Metadata"
                >
                  {JSON.stringify(entry.metadata, null, 2)}
                </pre>
              </dd>
            </dl>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}
