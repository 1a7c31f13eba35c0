"use client";

import { useQuery } from "@tanstack/react-query";
import { Ban } from "lucide-react";
import { useState } from "react";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { ErrorState, SkeletonRows } from "@/components/ui/states";
import { LIMIT_TEXT, formatLimit, type LimitItem } from "./limits-text";
import { LimitsFormDialog } from "./limits-form";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** Admin → Limits: the tenant's quotas and rate limits with the use against each; admins change them. */
export function LimitsPage() {
  const trpc = useTRPC();
  const me = useMe();
  const limits = useQuery(trpc.limits.get.queryOptions());
  const [isEditing, setIsEditing] = useState(false);
  const canEdit = me.can("quota.manage");

  if (limits.isPending) return <SkeletonRows rows={5} />;
  if (limits.isError)
    return <ErrorState message={limits.error.message} onRetry={() => void limits.refetch()} />;
  const quotas = limits.data.limits.filter((l) => !l.key.startsWith("requests"));
  const rates = limits.data.limits.filter((l) => l.key.startsWith("requests"));

  return (
    <div className="space-y-8">
      {limits.data.suspendedAt ? (
        <div
          role="status"
          className="flex items-start gap-3 rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm"
        >
          <Ban className="mt-0.5 size-4 text-danger" aria-hidden />
          <p>
            <span className="font-medium text-danger">
              This tenant is suspended by the platform admin
            </span>{" "}
            (since {dateFormat.format(limits.data.suspendedAt)}). Its data can be read, but nothing
            can be changed or run.
          </p>
        </div>
      ) : null}
      <div className="flex flex-wrap items-end justify-between gap-3">
        <p className="max-w-2xl text-sm text-muted-foreground">
          A limit left empty follows the platform default. Starting a run past a quota, or calling
          the API too often, is refused with a message that says which limit was reached.
        </p>
        {canEdit ? <Button onClick={() => setIsEditing(true)}>Edit limits</Button> : null}
      </div>
      <LimitSection id="quotas" title="Run quotas" items={quotas} />
      <LimitSection id="rates" title="Rate limits" items={rates} />
      {canEdit ? (
        <LimitsFormDialog
          open={isEditing}
          onOpenChange={setIsEditing}
          limits={limits.data.limits}
        />
      ) : null}
    </div>
  );
}

function LimitSection({ id, title, items }: { id: string; title: string; items: LimitItem[] }) {
  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      <ul className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {items.map((item) => (
          <LimitCard key={item.key} item={item} />
        ))}
      </ul>
    </section>
  );
}

function LimitCard({ item }: { item: LimitItem }) {
  const text = LIMIT_TEXT[item.key];
  const headingId = `limit-${item.key}`;
  return (
    <li aria-labelledby={headingId} className="rounded-xl border bg-card p-4">
      <div className="flex items-start justify-between gap-2">
        <h3 id={headingId} className="font-medium">
          {text.label}
        </h3>
        <span
          className={cn(
            "shrink-0 rounded-full border px-2 py-0.5 text-xs",
            item.source === "tenant"
              ? "border-primary/40 bg-primary/10 text-primary"
              : "bg-muted text-muted-foreground",
          )}
        >
          {item.source === "tenant" ? "Set for this tenant" : "Platform default"}
        </span>
      </div>
      <p className="mt-1 text-2xl font-semibold tabular-nums">
        {formatLimit(item.value, text.unit)}
      </p>
      <p className="text-xs text-muted-foreground">{text.description}</p>
      {item.used !== null ? <UsageBar item={item} /> : null}
    </li>
  );
}

/** How much of a limit is used; a meter only when there is a limit to measure against. */
function UsageBar({ item }: { item: LimitItem }) {
  const text = LIMIT_TEXT[item.key];
  const used = item.used ?? 0;
  const share = item.value ? Math.min(1, used / item.value) : 0;
  const summary =
    item.value === null
      ? `${used.toLocaleString()} ${text.usedLabel} (no limit)`
      : `${used.toLocaleString()} of ${item.value.toLocaleString()} ${text.usedLabel}`;
  return (
    <div className="mt-3 space-y-1">
      {item.value !== null ? (
        <div
          role="meter"
          aria-label={`${text.label} used`}
          aria-valuemin={0}
          aria-valuemax={item.value}
          aria-valuenow={Math.min(used, item.value)}
          aria-valuetext={summary}
          className="h-2 overflow-hidden rounded-full bg-muted"
        >
          <div
            className={cn(
              "h-full rounded-full",
              share >= 1 ? "bg-danger" : share >= 0.8 ? "bg-amber-500" : "bg-primary",
            )}
            style={{ width: `${Math.max(share * 100, used > 0 ? 2 : 0)}%` }}
          />
        </div>
      ) : null}
      <p className="text-xs text-muted-foreground">{summary}</p>
    </div>
  );
}
