"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { AlertTriangle, CheckCircle2, Play, Square } from "lucide-react";
import { useState } from "react";
import { JsonSchemaForm } from "@/components/shared/json-schema-form";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/input";
import { SkeletonRows, Spinner } from "@/components/ui/states";
import { ContentBlocks, JsonBlock } from "./inspector-content";
import { ServerProblem } from "./server-problem";
import type { CallOutcome, LiveProgress } from "./use-inspector";

/** Pick a tool, fill the form made from its schema, run it with live progress and Cancel, see the result. */
export function InspectorTools({
  sessionId,
  progress,
  onReadLink,
}: {
  sessionId: string;
  progress: Record<string, LiveProgress>;
  onReadLink: (uri: string) => void;
}) {
  const trpc = useTRPC();
  const tools = useQuery(
    trpc.inspector.listTools.queryOptions({ sessionId }, { staleTime: 60_000 }),
  );
  const [selected, setSelected] = useState("");
  const [callId, setCallId] = useState<string | null>(null);
  const run = useMutation(trpc.inspector.callTool.mutationOptions());
  const cancel = useMutation(trpc.inspector.cancel.mutationOptions());

  if (tools.isPending) return <SkeletonRows rows={2} />;
  if (tools.isError)
    return <ServerProblem title="The server's tools could not be listed" error={tools.error} />;
  const list = tools.data.tools;
  const tool = list.find((t) => t.name === selected) ?? null;
  const live = callId && run.isPending ? progress[callId] : undefined;

  return (
    <div className="space-y-4">
      <Field label="Tool" htmlFor="runner-tool">
        <select
          id="runner-tool"
          value={selected}
          onChange={(e) => {
            setSelected(e.target.value);
            run.reset();
          }}
          className="h-10 w-full rounded-md border bg-card px-3 text-sm"
        >
          <option value="">Choose a tool ({list.length})</option>
          {list.map((t) => (
            <option key={t.name} value={t.name} disabled={t.unusableReason !== null}>
              {t.name}
              {t.unusableReason ? " (unusable)" : ""}
            </option>
          ))}
        </select>
      </Field>
      {tool ? (
        <div className="space-y-4 rounded-xl border bg-card p-4">
          {tool.description ? (
            <p className="text-sm text-muted-foreground">{tool.description}</p>
          ) : null}
          <JsonSchemaForm
            key={tool.name}
            schema={tool.inputSchema}
            idPrefix={`arg-${tool.name}`}
            label="Tool arguments"
            jsonLabel="Arguments (JSON)"
            emptyText="This tool takes no arguments."
            onSubmit={(args) => {
              const id = crypto.randomUUID();
              setCallId(id);
              run.mutate({
                sessionId,
                callId: id,
                tool: tool.name,
                args: args as Record<string, unknown>,
              });
            }}
          >
            <div className="flex items-center gap-2">
              <Button type="submit" disabled={run.isPending}>
                {run.isPending ? <Spinner /> : <Play className="size-4" aria-hidden />}
                Run
              </Button>
              {run.isPending && callId ? (
                <Button
                  variant="secondary"
                  disabled={cancel.isPending}
                  onClick={() => cancel.mutate({ sessionId, callId })}
                >
                  <Square className="size-4" aria-hidden />
                  Cancel
                </Button>
              ) : null}
            </div>
          </JsonSchemaForm>
          {run.isPending ? <CallProgress progress={live} /> : null}
          {tool.outputSchema ? (
            <details>
              <summary className="cursor-pointer text-sm">Output schema</summary>
              <JsonBlock value={tool.outputSchema} />
            </details>
          ) : null}
        </div>
      ) : null}
      {run.isError ? <ServerProblem title="The call could not be made" error={run.error} /> : null}
      {run.data ? <CallResult outcome={run.data} onReadLink={onReadLink} /> : null}
    </div>
  );
}

function CallProgress({ progress }: { progress: LiveProgress | undefined }) {
  const total = progress?.total ?? null;
  const label = progress
    ? `Progress ${progress.progress}${total !== null ? ` of ${total}` : ""}${progress.message ? ` · ${progress.message}` : ""}`
    : "Running…";
  return (
    <div className="space-y-1" aria-live="polite">
      <div
        role="progressbar"
        aria-label="Tool progress"
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={progress?.progress}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div
          className="h-full bg-primary transition-all"
          style={{
            width:
              progress && total ? `${Math.min(100, (progress.progress / total) * 100)}%` : "15%",
          }}
        />
      </div>
      <p className="text-sm text-muted-foreground">{label}</p>
    </div>
  );
}

/** The tool's answer; an error the tool reported is shown as such; structured output with its check. */
function CallResult({
  outcome,
  onReadLink,
}: {
  outcome: CallOutcome;
  onReadLink: (uri: string) => void;
}) {
  if (outcome.status === "cancelled") {
    return (
      <section aria-label="Result" className="rounded-xl border bg-card p-4 text-sm">
        <p role="status">Cancelled after {outcome.ms} ms; the server was told to stop.</p>
      </section>
    );
  }
  if (outcome.isError) {
    return (
      <section
        aria-label="Result"
        className="space-y-2 rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm"
      >
        <p role="alert" className="flex items-center gap-2 font-medium text-danger">
          <AlertTriangle className="size-4" aria-hidden />
          The tool reported an error after {outcome.ms} ms
        </p>
        <ContentBlocks content={outcome.content} onReadLink={onReadLink} />
      </section>
    );
  }
  const check = outcome.outputCheck;
  return (
    <section aria-label="Result" className="space-y-2 rounded-xl border bg-card p-4">
      <p className="text-sm text-muted-foreground">Result in {outcome.ms} ms</p>
      <ContentBlocks content={outcome.content} onReadLink={onReadLink} />
      {check.status === "invalid" || check.status === "missing" ? (
        <p
          role="alert"
          className="flex items-start gap-2 rounded-md border border-danger/40 bg-danger/5 p-2 text-sm text-danger"
        >
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {check.status === "invalid"
            ? `The structured output does not match the tool's output schema: ${check.message}`
            : check.message}
        </p>
      ) : check.status === "valid" ? (
        <p className="flex items-center gap-2 text-sm text-muted-foreground">
          <CheckCircle2 className="size-4" aria-hidden />
          The structured output matches the tool's output schema
        </p>
      ) : null}
      {outcome.structuredContent ? (
        <details open={check.status === "invalid"}>
          <summary className="cursor-pointer text-sm">Structured content</summary>
          <JsonBlock value={outcome.structuredContent} />
        </details>
      ) : null}
    </section>
  );
}
