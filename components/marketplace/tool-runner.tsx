"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { AlertTriangle, Play } from "lucide-react";
import { useState, type ReactNode } from "react";
import { JsonSchemaForm } from "@/components/shared/json-schema-form";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/input";
import { SkeletonRows, Spinner } from "@/components/ui/states";
import { messageOf, type ToolRunOutcome } from "./types";

/** Like a small MCP Inspector: pick a tool, fill a form made from its schema, see the result. */
export function ToolRunner({ installationId }: { installationId: string }) {
  const trpc = useTRPC();
  const tools = useQuery({
    ...trpc.mcp.listTools.queryOptions({ id: installationId }),
    staleTime: 60_000,
  });
  const [selected, setSelected] = useState<string>("");
  const run = useMutation(trpc.mcp.runTool.mutationOptions());

  if (tools.isPending) {
    return (
      <div className="space-y-2">
        <p className="flex items-center gap-2 text-sm text-muted-foreground">
          <Spinner /> Starting the server and listing its tools…
        </p>
        <SkeletonRows rows={2} />
      </div>
    );
  }
  if (tools.isError) {
    return (
      <ServerProblem title="The server's tools could not be listed" error={tools.error}>
        <button
          type="button"
          onClick={() => void tools.refetch()}
          className="mt-2 font-medium underline underline-offset-2"
        >
          Try again
        </button>
      </ServerProblem>
    );
  }

  const list = tools.data.tools;
  const tool = list.find((t) => t.name === selected) ?? null;
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
            onSubmit={(args) =>
              run.mutate({
                id: installationId,
                tool: tool.name,
                args: args as Record<string, unknown>,
              })
            }
          >
            <Button type="submit" disabled={run.isPending}>
              {run.isPending ? <Spinner /> : <Play className="size-4" aria-hidden />}
              Run
            </Button>
          </JsonSchemaForm>
        </div>
      ) : null}
      {run.isError ? <ServerProblem title="The call could not be made" error={run.error} /> : null}
      {run.data ? <RunResult outcome={run.data} /> : null}
    </div>
  );
}

/** A refused call or listing: the reason, and what the server wrote to stderr when it did not start. */
function ServerProblem({
  title,
  error,
  children,
}: {
  title: string;
  error: unknown;
  children?: ReactNode;
}) {
  const stderr = (error as { data?: { appDetails?: { stderr?: unknown } | null } } | null)?.data
    ?.appDetails?.stderr;
  return (
    <div role="alert" className="rounded-lg border border-danger/40 bg-danger/5 p-4 text-sm">
      <p className="font-medium text-danger">{title}</p>
      <p className="mt-1 whitespace-pre-wrap">{messageOf(error)}</p>
      {typeof stderr === "string" && stderr ? (
        <pre className="mt-2 max-h-40 overflow-auto rounded bg-muted p-2 text-xs">{stderr}</pre>
      ) : null}
      {children}
    </div>
  );
}

/** The tool's answer; one the tool marked as an error is shown as such, with what it wrote. */
function RunResult({ outcome }: { outcome: ToolRunOutcome }) {
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
        <ResultContent content={outcome.content} />
      </section>
    );
  }
  return (
    <section aria-label="Result" className="space-y-2 rounded-xl border bg-card p-4">
      <p className="text-sm text-muted-foreground">Result in {outcome.ms} ms</p>
      <ResultContent content={outcome.content} />
      {outcome.structuredContent ? (
        <details>
          <summary className="cursor-pointer text-sm">Structured content</summary>
          <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-muted p-3 text-xs">
            {JSON.stringify(outcome.structuredContent, null, 2)}
          </pre>
        </details>
      ) : null}
    </section>
  );
}

function ResultContent({ content }: { content: unknown[] }) {
  return content.map((part, index) => {
    const item = part as { type?: string; text?: string; data?: string; mimeType?: string };
    if (item.type === "text") {
      return (
        <pre
          key={index}
          className="max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-muted p-3 text-xs"
        >
          {item.text}
        </pre>
      );
    }
    if (item.type === "image" && item.data && item.mimeType) {
      return (
        // eslint-disable-next-line @next/next/no-img-element -- a data URL from the tool, not a page asset
        <img
          key={index}
          alt="Image returned by the tool"
          src={`data:${item.mimeType};base64,${item.data}`}
          className="max-h-64 rounded-md border"
        />
      );
    }
    return (
      <pre key={index} className="max-h-96 overflow-auto rounded-md bg-muted p-3 text-xs">
        {JSON.stringify(part, null, 2)}
      </pre>
    );
  });
}
