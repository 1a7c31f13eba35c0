"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, BellOff } from "lucide-react";
import Link from "next/link";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { EmptyState, ErrorState, SkeletonRows } from "@/components/ui/states";
import { AlertChart } from "./alert-chart";
import { AlertEvidence } from "./alert-evidence";
import { AlertHeader } from "./alert-header";
import { AlertStatusActions } from "./alert-status-actions";
import { RemediationList } from "./remediation-list";

/**
 * One alert: what happened in words, its series with the expected band, flagged points and forecast,
 * the runs behind it, and the remediation taken (with Undo). Refetched when the tenant's alerts
 * change (the shell's live count invalidates it).
 */
export function AlertPage({ alertId }: { alertId: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.anomaly.get.queryOptions({ id: alertId }));
  // For the metric's label and source (the list of watched metrics rides with the settings).
  const settings = useQuery(trpc.anomaly.settings.queryOptions());

  const back = (
    <Link
      href="/anomalies"
      className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
    >
      <ArrowLeft className="size-4" aria-hidden /> Anomalies
    </Link>
  );
  if (detail.isPending) return <SkeletonRows rows={6} />;
  if (detail.isError) {
    const code = errorCode(detail.error);
    return code === "NOT_FOUND" || code === "BAD_REQUEST" ? (
      <EmptyState icon={BellOff} title="Alert not found">
        <Link href="/anomalies" className="text-sm underline underline-offset-2">
          Back to the alerts
        </Link>
      </EmptyState>
    ) : (
      <ErrorState message={detail.error.message} onRetry={() => void detail.refetch()} />
    );
  }

  const { alert, series } = detail.data;
  const metric = settings.data?.metrics.find((m) => m.metric === alert.metric);
  return (
    <>
      {back}
      <AlertHeader
        alert={alert}
        unit={series?.unit}
        metric={metric}
        actions={<AlertStatusActions alert={alert} />}
        byName={{
          acknowledged: detail.data.acknowledgedByName,
          resolved: detail.data.resolvedByName,
        }}
      />
      <div className="mb-6">
        {series ? (
          <AlertChart
            series={series}
            startedAt={alert.startedAt}
            subjectLabel={alert.subjectLabel}
          />
        ) : (
          <section className="rounded-xl border bg-card p-4" aria-label="Series">
            <p className="text-sm text-muted-foreground" data-testid="alert-chart-empty">
              No series to draw: the metric “{alert.metric}” is no longer watched.
            </p>
          </section>
        )}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <AlertEvidence
          evidence={alert.evidence}
          runs={detail.data.evidenceRuns}
          flagged={series?.flagged ?? []}
          unit={series?.unit}
        />
        <RemediationList alertId={alert.id} actions={alert.actions} />
      </div>
    </>
  );
}
