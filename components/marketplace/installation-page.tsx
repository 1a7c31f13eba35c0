"use client";

import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Lock, Pencil } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { FormError } from "@/components/ui/form-error";
import { useMe } from "@/components/shared/use-me";
import { errorCode, useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { EmptyState, ErrorState, PageHeader, SkeletonRows } from "@/components/ui/states";
import { CheckButton } from "./check-button";
import { CheckHistory } from "./check-history";
import { ExportServerJson } from "./export-server-json";
import { InstallDialog } from "./install-dialog";
import { OAuthConnection } from "./oauth-connection";
import { StatusBadge } from "./status-badge";
import { ToolRunner } from "./tool-runner";
import { dateFormat, type CheckReport } from "./types";

/** One installed server: status, configuration (secrets only as "set"), checks, and the tool runner. */
export function InstallationPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const installation = useQuery(trpc.mcp.getInstallation.queryOptions({ id }));
  const [isEditing, setEditing] = useState(false);

  if (installation.isPending) return <SkeletonRows rows={5} />;
  if (installation.isError) {
    return (
      <ErrorState
        title={
          errorCode(installation.error) === "NOT_FOUND"
            ? "No such installed server"
            : "The server could not be loaded"
        }
        message={installation.error.message}
        onRetry={() => void installation.refetch()}
      />
    );
  }
  const data = installation.data;
  const report = data.lastCheck?.report as CheckReport | undefined;

  return (
    <>
      <Link
        href="/marketplace/installed"
        className="mb-3 inline-flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"
      >
        <ArrowLeft className="size-4" aria-hidden />
        Installed servers
      </Link>
      <PageHeader
        title={data.name}
        description={`${data.entry.title} · ${data.entry.transport ?? "?"}`}
        actions={
          <div className="flex items-center gap-2">
            {data.enabled ? (
              <StatusBadge status={data.status} />
            ) : (
              <span className="rounded-full border px-2 py-0.5 text-xs">Disabled</span>
            )}
            {can("server.check") ? (
              <CheckButton installationId={data.id} name={data.name} disabled={!data.enabled} />
            ) : null}
            <ExportServerJson installationId={data.id} />
            {can("server.install") ? (
              <Button variant="secondary" size="sm" onClick={() => setEditing(true)}>
                <Pencil className="size-4" aria-hidden />
                Edit
              </Button>
            ) : null}
          </div>
        }
      />
      {isEditing ? (
        <InstallDialog
          catalogEntryId={data.catalogEntryId}
          title={data.entry.title}
          inputs={data.inputs}
          open
          onOpenChange={setEditing}
          existing={{
            id: data.id,
            name: data.name,
            config: data.config,
            secretKeys: data.secretKeys,
          }}
        />
      ) : null}
      <div className="grid gap-8 lg:grid-cols-[3fr_2fr]">
        <section aria-labelledby="runner-heading" className="space-y-3">
          <h2 id="runner-heading" className="text-lg font-semibold">
            Tool runner
          </h2>
          {!data.enabled ? (
            <p className="text-sm text-muted-foreground">
              The server is disabled. An admin can enable it from the installed servers list.
            </p>
          ) : can("tool.run") ? (
            <ToolRunner installationId={data.id} />
          ) : (
            <EmptyState icon={Lock} title="Editors run tools">
              <p className="text-sm text-muted-foreground">
                Your role may look at this server but not call its tools.
              </p>
            </EmptyState>
          )}
        </section>
        <div className="space-y-8">
          <OAuthConnection installationId={data.id} />
          <section aria-labelledby="config-heading" className="space-y-3">
            <h2 id="config-heading" className="text-lg font-semibold">
              Configuration
            </h2>
            <dl className="divide-y rounded-xl border bg-card text-sm">
              {data.inputs.length === 0 ? (
                <p className="px-4 py-2 text-muted-foreground">No inputs.</p>
              ) : null}
              {data.inputs.map((input) => {
                const value = data.config[input.key];
                const shown = input.isSecret
                  ? data.secretKeys.includes(input.key)
                    ? "set (hidden)"
                    : "not set"
                  : value === undefined
                    ? "—"
                    : Array.isArray(value)
                      ? value.join(", ")
                      : value;
                return (
                  <div key={input.key} className="flex gap-3 px-4 py-2">
                    <dt className="w-40 shrink-0 font-mono text-xs leading-5">{input.label}</dt>
                    <dd className="min-w-0 break-all text-muted-foreground">{shown}</dd>
                  </div>
                );
              })}
            </dl>
            <p className="text-xs text-muted-foreground">
              {data.lastCheckedAt
                ? `Last checked ${dateFormat.format(data.lastCheckedAt)}`
                : "Never checked"}
              {data.latencyMs !== null ? ` · ${data.latencyMs} ms` : ""}
              {data.protocolVersion ? ` · MCP revision ${data.protocolVersion}` : ""}
              {data.connection ? ` · connection ${data.connection.state}` : ""}
            </p>
            <FormError>{data.lastError}</FormError>
            {report?.stderr ? (
              <details>
                <summary className="cursor-pointer text-sm">
                  Server stderr from the last check
                </summary>
                <pre className="mt-2 max-h-40 overflow-auto rounded bg-muted p-2 text-xs">
                  {report.stderr}
                </pre>
              </details>
            ) : null}
          </section>
          <section aria-labelledby="history-heading" className="space-y-3">
            <h2 id="history-heading" className="text-lg font-semibold">
              Health history
            </h2>
            <CheckHistory installationId={data.id} />
          </section>
        </div>
      </div>
    </>
  );
}
