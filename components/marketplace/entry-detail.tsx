"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Download, Globe, Play } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { useMe } from "@/components/shared/use-me";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { ErrorState, PageHeader, SkeletonRows } from "@/components/ui/states";
import { CheckButton } from "./check-button";
import { CheckHistory } from "./check-history";
import { InstallDialog } from "./install-dialog";
import { TrustBadges } from "./trust-badges";
import { StatusBadge } from "./status-badge";
import { ToolList } from "./tool-list";
import { dateFormat, type CheckReport } from "./types";

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="space-y-3">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** A catalog entry: what it does, how it runs, what it needs, its tools and health, install and check. */
export function EntryDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { can } = useMe();
  const [isInstalling, setInstalling] = useState(false);
  const entry = useQuery(trpc.mcp.getEntry.queryOptions({ id }));

  if (entry.isPending) return <SkeletonRows rows={5} />;
  if (entry.isError) {
    return (
      <ErrorState
        title={
          errorCode(entry.error) === "NOT_FOUND"
            ? "No such server"
            : "The server could not be loaded"
        }
        message={entry.error.message}
        onRetry={() => void entry.refetch()}
      />
    );
  }
  const data = entry.data;
  const report = data.lastCheck?.report as CheckReport | undefined;
  const isRemoved = data.registryStatus === "deleted";
  const canInstall = can("server.install") && !isRemoved;

  return (
    <>
      <Link
        href="/marketplace"
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Marketplace
      </Link>
      <PageHeader
        title={data.title}
        description={data.description}
        actions={
          <Button
            disabled={!canInstall}
            title={
              isRemoved
                ? "Removed from its registry: it can no longer be installed"
                : canInstall
                  ? undefined
                  : "Admins install servers"
            }
            onClick={() => setInstalling(true)}
          >
            <Download className="size-4" aria-hidden />
            Install
          </Button>
        }
      />
      <InstallDialog
        catalogEntryId={data.id}
        title={data.title}
        inputs={data.inputs}
        open={isInstalling}
        onOpenChange={setInstalling}
        onInstalled={() => void entry.refetch()}
      />

      <div className="grid gap-8 lg:grid-cols-[2fr_1fr]">
        <div className="space-y-8">
          <Section title="How it runs">
            <div className="space-y-2 rounded-xl border bg-card p-4 text-sm">
              <p>{data.runsAs}</p>
              <p className="text-muted-foreground">
                <span className="font-mono">{data.name}</span> · version {data.version} ·{" "}
                {data.category} · source {data.source}
              </p>
              <p className="flex flex-wrap items-center gap-2 text-xs">
                <TrustBadges isVerified={data.isVerified} registryStatus={data.registryStatus} />
              </p>
              {data.meta.needsInternet ? (
                <p className="inline-flex items-center gap-1 text-amber-700 dark:text-amber-400">
                  <Globe className="size-4" aria-hidden />
                  Needs internet access (or an online account): without it, its checks fail.
                </p>
              ) : null}
              {typeof data.serverJson.repository?.url === "string" ? (
                <a
                  className="block text-primary underline underline-offset-2"
                  href={data.serverJson.repository.url}
                  target="_blank"
                  rel="noreferrer"
                >
                  Source repository
                </a>
              ) : null}
            </div>
          </Section>

          <Section title="Inputs">
            {data.inputs.length === 0 ? (
              <p className="text-sm text-muted-foreground">Nothing to fill in: it runs as is.</p>
            ) : (
              <ul className="divide-y rounded-xl border bg-card text-sm">
                {data.inputs.map((input) => (
                  <li key={input.key} className="px-4 py-2">
                    <span className="font-mono">{input.label}</span>
                    <span className="ml-2 text-xs text-muted-foreground">
                      {input.kind}
                      {input.isRequired ? " · required" : " · optional"}
                      {input.isSecret ? " · secret" : ""}
                      {input.isRepeated ? " · one or more" : ""}
                    </span>
                    {input.description ? (
                      <p className="text-muted-foreground">{input.description}</p>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </Section>

          <Section title="Tools">
            {report ? (
              <p className="text-sm text-muted-foreground">
                From the check of {dateFormat.format(data.lastCheck!.createdAt)}
                {report.serverInfo
                  ? ` (${report.serverInfo.name} ${report.serverInfo.version})`
                  : ""}
                .
              </p>
            ) : null}
            <ToolList
              tools={report?.tools ?? []}
              emptyText={
                data.toolNames.length > 0
                  ? `Known tools: ${data.toolNames.join(", ")}. Install and check the server to see their schemas.`
                  : "Install and check the server to see its tools and their schemas."
              }
            />
          </Section>
        </div>

        <div className="space-y-8">
          <Section title="In this tenant">
            {data.installations.length === 0 ? (
              <p className="text-sm text-muted-foreground">
                Not installed{canInstall ? "." : "; an admin can install it."}
              </p>
            ) : (
              <ul className="space-y-2" aria-label="Installations">
                {data.installations.map((installation) => (
                  <li key={installation.id} className="space-y-2 rounded-xl border bg-card p-3">
                    <div className="flex items-center justify-between gap-2">
                      <Link
                        href={`/marketplace/installed/${installation.id}`}
                        className="font-medium hover:underline"
                      >
                        {installation.name}
                      </Link>
                      <StatusBadge status={installation.status} />
                    </div>
                    <p className="text-xs text-muted-foreground">
                      {installation.enabled ? "Enabled" : "Disabled"}
                      {installation.latencyMs !== null ? ` · ${installation.latencyMs} ms` : ""}
                      {installation.lastCheckedAt
                        ? ` · checked ${dateFormat.format(installation.lastCheckedAt)}`
                        : ""}
                    </p>
                    {installation.lastError ? (
                      <p className="text-xs text-danger">{installation.lastError}</p>
                    ) : null}
                    <div className="flex flex-wrap gap-2">
                      {can("server.check") ? (
                        <CheckButton
                          installationId={installation.id}
                          name={installation.name}
                          disabled={!installation.enabled}
                        />
                      ) : null}
                      <Button
                        variant="ghost"
                        size="sm"
                        onClick={() => router.push(`/marketplace/installed/${installation.id}`)}
                      >
                        <Play className="size-4" aria-hidden />
                        Tool runner
                      </Button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </Section>
          {report && (report.error || report.problems.length > 0) ? (
            <Section title="Last check found">
              <div
                role="alert"
                className="space-y-1 rounded-lg border border-danger/40 bg-danger/5 p-3 text-sm"
              >
                {report.error ? <p>{report.error}</p> : null}
                {report.problems.map((problem) => (
                  <p key={problem}>{problem}</p>
                ))}
              </div>
            </Section>
          ) : null}
          <Section title="Health history">
            <CheckHistory catalogEntryId={data.id} />
          </Section>
        </div>
      </div>
    </>
  );
}
