"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, Lock } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { ErrorState, PageHeader, SkeletonRows } from "@/components/ui/states";
import { AnomalySettingsForm } from "./settings-form";

/** /anomalies/settings: sensitivity, remediation rules, fallback servers, webhook. Admins edit; others read. */
export function AnomalySettingsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useMe();
  const settings = useQuery(trpc.anomaly.settings.queryOptions());
  // The installed servers the fallbacks pick from (the first 100: a tenant has far fewer).
  const installations = useQuery(trpc.mcp.listInstallations.queryOptions({ limit: 100 }));
  // A save remounts the form, so its fields start again from what is stored.
  const [savedCount, setSavedCount] = useState(0);
  const canEdit = can("anomaly.manage");

  return (
    <>
      <Link
        href="/anomalies"
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden /> Anomalies
      </Link>
      <PageHeader
        title="Anomaly settings"
        description="How sensitive the watcher is, what it may do by itself, and where alerts are sent."
      />
      {canEdit ? null : (
        <p
          role="note"
          className="mb-4 flex items-center gap-2 rounded-lg border bg-muted/50 p-3 text-sm"
        >
          <Lock className="size-4 text-muted-foreground" aria-hidden />
          Only admins can change these settings; you can read them.
        </p>
      )}
      {settings.isPending ? (
        <SkeletonRows rows={4} />
      ) : settings.isError ? (
        <ErrorState message={settings.error.message} onRetry={() => void settings.refetch()} />
      ) : (
        <>
          {installations.isError ? (
            <p role="status" className="mb-4 text-sm text-muted-foreground">
              The installed MCP servers could not be loaded ({installations.error.message}): only
              the saved fallbacks are offered.
            </p>
          ) : null}
          <AnomalySettingsForm
            key={savedCount}
            settings={settings.data}
            serverNames={installations.data?.items.map((i) => i.name) ?? []}
            canEdit={canEdit}
            onSaved={(next) => {
              queryClient.setQueryData(trpc.anomaly.settings.queryKey(), next);
              setSavedCount((n) => n + 1);
            }}
          />
        </>
      )}
    </>
  );
}
