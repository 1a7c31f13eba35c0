"use client";

import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { InspectorHistory, InspectorLogs } from "./inspector-history";
import { InspectorPrompts } from "./inspector-prompts";
import { InspectorQuestions } from "./inspector-questions";
import { InspectorResources } from "./inspector-resources";
import { InspectorTools } from "./inspector-tools";
import { ServerProblem } from "./server-problem";
import { useInspectorEvents, type InspectorSessionInfo } from "./use-inspector";

const LOG_LEVELS = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
] as const;
type Tab = "tools" | "resources" | "prompts" | "history" | "logs";

/**
 * The tool runner at the MCP Inspector's reach, over one inspector session: tools, resources,
 * prompts, the JSON-RPC history with timings, and the server's log messages, all live.
 */
export function InspectorPanel({
  session,
  onReconnect,
}: {
  session: InspectorSessionInfo;
  onReconnect: () => void;
}) {
  const trpc = useTRPC();
  const { sessionId, capabilities } = session;
  const live = useInspectorEvents(sessionId);
  const [tab, setTab] = useState<Tab>("tools");
  const read = useMutation(trpc.inspector.readResource.mutationOptions());
  const setLevel = useMutation(trpc.inspector.setLogLevel.mutationOptions());
  const updatedUris = useMemo(() => {
    const map = new Map<string, number>();
    for (const line of live.lines) if (line.kind === "resource-updated") map.set(line.uri, line.at);
    return map;
  }, [live.lines]);
  const logCount = live.lines.length;

  const tabs: { id: Tab; label: string; shown: boolean }[] = [
    { id: "tools", label: "Tools", shown: capabilities.tools },
    { id: "resources", label: "Resources", shown: capabilities.resources },
    { id: "prompts", label: "Prompts", shown: capabilities.prompts },
    { id: "history", label: `History (${live.history.length})`, shown: true },
    { id: "logs", label: `Logs (${logCount})`, shown: true },
  ];
  const readTarget = (
    target: { uri: string } | { uriTemplate: string; values: Record<string, string> },
  ) => {
    setTab("resources");
    read.mutate({ sessionId, ...target });
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-muted-foreground">
        <span>
          {session.server ? `${session.server.name} ${session.server.version}` : session.name}
        </span>
        {session.protocolVersion ? <span>protocol {session.protocolVersion}</span> : null}
        {capabilities.logging ? (
          <label className="flex items-center gap-1">
            Log level
            <select
              aria-label="Log level"
              value={setLevel.data?.logLevel ?? session.logLevel ?? ""}
              onChange={(e) =>
                setLevel.mutate({
                  sessionId,
                  level: e.target.value as (typeof LOG_LEVELS)[number],
                })
              }
              className="h-7 rounded-md border bg-card px-1 text-xs"
            >
              <option value="" disabled>
                server default
              </option>
              {LOG_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {level}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span>no logging</span>
        )}
      </div>
      {setLevel.isError ? (
        <ServerProblem title="The log level could not be set" error={setLevel.error} />
      ) : null}
      {live.closedReason ? (
        <div role="alert" className="rounded-lg border p-3 text-sm">
          The session ended: {live.closedReason}.{" "}
          <Button size="sm" variant="secondary" onClick={onReconnect}>
            Reconnect
          </Button>
        </div>
      ) : null}
      <InspectorQuestions
        sessionId={sessionId}
        server={session.server?.name ?? session.name}
        questions={live.questions}
      />
      {session.instructions ? (
        <details className="text-sm">
          <summary className="cursor-pointer">The server's instructions</summary>
          <p className="mt-1 whitespace-pre-wrap text-muted-foreground">{session.instructions}</p>
        </details>
      ) : null}
      <div role="tablist" aria-label="Inspector" className="flex flex-wrap gap-1 border-b">
        {tabs
          .filter((t) => t.shown)
          .map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`inspector-tab-${t.id}`}
              aria-selected={tab === t.id}
              aria-controls={`inspector-panel-${t.id}`}
              onClick={() => setTab(t.id)}
              className={cn(
                "-mb-px border-b-2 px-3 py-2 text-sm",
                tab === t.id
                  ? "border-primary font-medium"
                  : "border-transparent text-muted-foreground hover:text-foreground",
              )}
            >
              {t.label}
            </button>
          ))}
      </div>
      {/* Panels stay mounted, so a running call and a filled form survive switching tabs. */}
      {tabs.map((t) =>
        t.shown ? (
          <div
            key={t.id}
            role="tabpanel"
            id={`inspector-panel-${t.id}`}
            aria-labelledby={`inspector-tab-${t.id}`}
            hidden={tab !== t.id}
          >
            {t.id === "tools" ? (
              <InspectorTools
                sessionId={sessionId}
                progress={live.progress}
                onReadLink={(uri) => readTarget({ uri })}
              />
            ) : t.id === "resources" ? (
              <InspectorResources
                sessionId={sessionId}
                canSubscribe={capabilities.resourceSubscribe}
                subscriptions={session.subscriptions}
                updatedUris={updatedUris}
                read={{ isPending: read.isPending, error: read.error, data: read.data }}
                onRead={readTarget}
              />
            ) : t.id === "prompts" ? (
              <InspectorPrompts sessionId={sessionId} />
            ) : t.id === "history" ? (
              <InspectorHistory history={live.history} />
            ) : (
              <InspectorLogs lines={live.lines} />
            )}
          </div>
        ) : null,
      )}
    </div>
  );
}
