"use client";

import { ArrowDownLeft, ArrowUpRight } from "lucide-react";
import { JsonBlock } from "./inspector-content";
import type { HistoryEntry, LiveLine } from "./use-inspector";

const time = (at: number) =>
  new Date(at).toLocaleTimeString(undefined, { hour12: false, fractionalSecondDigits: 3 });

/** The session's raw JSON-RPC messages, newest first: direction, method, when, round-trip time; each expands to the JSON. */
export function InspectorHistory({ history }: { history: HistoryEntry[] }) {
  if (history.length === 0)
    return <p className="text-sm text-muted-foreground">No messages yet.</p>;
  return (
    <ol aria-label="JSON-RPC history" className="divide-y rounded-xl border bg-card text-sm">
      {[...history].reverse().map((entry) => (
        <li key={entry.seq} className="px-3 py-2">
          <details>
            <summary className="flex cursor-pointer flex-wrap items-center gap-2">
              {entry.direction === "out" ? (
                <ArrowUpRight className="size-4 text-muted-foreground" aria-label="sent" />
              ) : (
                <ArrowDownLeft className="size-4 text-muted-foreground" aria-label="received" />
              )}
              <span className="font-mono">{entry.method ?? `reply #${entry.rpcId}`}</span>
              <span className="text-xs text-muted-foreground">{entry.kind}</span>
              <span className="text-xs text-muted-foreground">{time(entry.at)}</span>
              {entry.kind === "request" ? (
                entry.reply ? (
                  <span
                    className={
                      entry.reply.isError ? "text-xs text-danger" : "text-xs text-muted-foreground"
                    }
                  >
                    {entry.reply.isError ? "error" : "answered"} in {entry.reply.ms} ms
                  </span>
                ) : (
                  <span className="text-xs text-muted-foreground">waiting…</span>
                )
              ) : null}
            </summary>
            <div className="mt-2 space-y-2">
              <p className="text-xs font-medium">
                {entry.kind === "request" ? "Request" : "Message"}
              </p>
              <JsonBlock value={entry.message} />
              {entry.reply ? (
                <>
                  <p className="text-xs font-medium">
                    {entry.reply.isError ? "Error" : "Response"} at {time(entry.reply.at)}
                  </p>
                  <JsonBlock value={entry.reply.message} />
                </>
              ) : null}
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** Log messages, stderr, resource updates and list changes, newest first. */
export function InspectorLogs({ lines }: { lines: LiveLine[] }) {
  if (lines.length === 0)
    return <p className="text-sm text-muted-foreground">No log messages yet.</p>;
  return (
    <ol
      aria-label="Server messages"
      className="divide-y rounded-xl border bg-card font-mono text-xs"
    >
      {[...lines].reverse().map((line) => (
        <li key={line.id} className="flex gap-2 px-3 py-1.5">
          <span className="shrink-0 text-muted-foreground">{time(line.at)}</span>
          {line.kind === "log" ? (
            <>
              <span className="shrink-0 font-semibold">{line.level}</span>
              {line.logger ? <span className="shrink-0">[{line.logger}]</span> : null}
              <span className="min-w-0 break-all">
                {typeof line.data === "string" ? line.data : JSON.stringify(line.data)}
              </span>
            </>
          ) : line.kind === "stderr" ? (
            <>
              <span className="shrink-0 font-semibold">stderr</span>
              <span className="min-w-0 whitespace-pre-wrap break-all">{line.text}</span>
            </>
          ) : line.kind === "resource-updated" ? (
            <span>resource updated: {line.uri}</span>
          ) : (
            <span>the server's {line.list} changed</span>
          )}
        </li>
      ))}
    </ol>
  );
}
