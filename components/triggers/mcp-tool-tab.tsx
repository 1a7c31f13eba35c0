"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Check, Copy } from "lucide-react";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { toast } from "sonner";
import { FormError } from "@/components/ui/form-error";
import { useMe } from "@/components/shared/use-me";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { fieldErrorsOf } from "@/components/ui/field-errors";
import { Field, Input } from "@/components/ui/input";
import { ErrorState, SkeletonRows, Spinner } from "@/components/ui/states";

/** `.mcp.json` (Claude Code, Cursor, VS Code…): Streamable HTTP with the token from the environment. */
export function mcpJsonSnippet(url: string): string {
  return JSON.stringify(
    {
      mcpServers: {
        maestro: { type: "http", url, headers: { Authorization: "Bearer ${MAESTRO_TOKEN}" } },
      },
    },
    null,
    2,
  );
}

/** Claude Desktop speaks stdio: mcp-remote bridges it to the HTTP endpoint. */
export function claudeDesktopSnippet(url: string): string {
  const args = ["-y", "mcp-remote", url, "--header", "Authorization:Bearer ${MAESTRO_TOKEN}"];
  // mcp-remote refuses plain http except on localhost unless told.
  if (url.startsWith("http://") && !/^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(url))
    args.push("--allow-http");
  return JSON.stringify(
    { mcpServers: { maestro: { command: "npx", args, env: { MAESTRO_TOKEN: "mst_…" } } } },
    null,
    2,
  );
}

/**
 * The "MCP tool" tab of a workflow's triggers: expose the workflow as a tool of the tenant's MCP
 * endpoint (/api/mcp), name and describe it, and copy a client configuration.
 */
export function McpToolTab({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const { can } = useMe();
  const canEdit = can("trigger.manage");
  const state = useQuery(trpc.mcpTool.get.queryOptions({ workflowId }));

  if (state.isPending) return <SkeletonRows rows={2} />;
  if (state.isError)
    return (
      <ErrorState
        title="Could not load the MCP tool"
        message={state.error.message}
        onRetry={() => void state.refetch()}
      />
    );
  const { workflow, tool, suggestedName } = state.data;

  return (
    <div className="space-y-6">
      <ExposeSwitch
        workflowId={workflowId}
        isExposed={tool !== null}
        isPublished={workflow.isPublished}
        canEdit={canEdit}
        suggestedName={suggestedName}
      />
      {!workflow.isPublished && !tool ? (
        <p className="text-sm text-muted-foreground">
          Publish this workflow first: a tool call runs its latest published version, so clients see
          a change only once it is published.
        </p>
      ) : null}
      {tool ? (
        <>
          <ToolForm
            key={`${tool.toolName}\n${tool.description}`}
            workflowId={workflowId}
            tool={tool}
            workflowDescription={workflow.description}
            canEdit={canEdit}
          />
          <ClientSnippets />
        </>
      ) : null}
    </div>
  );
}

function useInvalidateTool(workflowId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: trpc.mcpTool.get.queryKey({ workflowId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.mcpTool.list.queryKey() });
  };
}

function ExposeSwitch(props: {
  workflowId: string;
  isExposed: boolean;
  isPublished: boolean;
  canEdit: boolean;
  suggestedName: string;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTool(props.workflowId);
  const expose = useMutation(
    trpc.mcpTool.expose.mutationOptions({
      onSuccess: (tool) => {
        toast.success(`Exposed as the MCP tool “${tool.toolName}”`);
        invalidate();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const hide = useMutation(
    trpc.mcpTool.hide.mutationOptions({
      onSuccess: () => {
        toast.success("No longer an MCP tool");
        invalidate();
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const isBusy = expose.isPending || hide.isPending;
  const isDisabled = !props.canEdit || isBusy || (!props.isExposed && !props.isPublished);
  return (
    <div className="flex items-start gap-3">
      <input
        id="mcp-tool-expose"
        type="checkbox"
        role="switch"
        checked={props.isExposed}
        disabled={isDisabled}
        onChange={(e) =>
          e.target.checked
            ? expose.mutate({ workflowId: props.workflowId })
            : hide.mutate({ workflowId: props.workflowId })
        }
        aria-describedby="mcp-tool-expose-help"
        className="mt-0.5 size-4 accent-[var(--primary)]"
      />
      <div>
        <label htmlFor="mcp-tool-expose" className="text-sm font-medium">
          Expose as an MCP tool {isBusy ? <Spinner className="ml-1 inline size-3" /> : null}
        </label>
        <p id="mcp-tool-expose-help" className="text-xs text-muted-foreground">
          {props.isExposed
            ? "MCP clients with an API token of this tenant can call this workflow. Their next tool listing shows changes."
            : `MCP clients with an API token of this tenant will see it as “${props.suggestedName}” (you can rename it).`}
          {props.canEdit ? "" : " Only editors can change this."}
        </p>
      </div>
    </div>
  );
}

function ToolForm({
  workflowId,
  tool,
  workflowDescription,
  canEdit,
}: {
  workflowId: string;
  tool: { toolName: string; description: string };
  workflowDescription: string;
  canEdit: boolean;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateTool(workflowId);
  const [toolName, setToolName] = useState(tool.toolName);
  const [description, setDescription] = useState(tool.description);
  const update = useMutation(
    trpc.mcpTool.update.mutationOptions({
      onSuccess: () => {
        toast.success("MCP tool saved");
        invalidate();
      },
    }),
  );
  const errors = fieldErrorsOf(update.error, ["toolName", "description"] as const);
  const isChanged = toolName.trim() !== tool.toolName || description.trim() !== tool.description;

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ workflowId, toolName: toolName.trim(), description: description.trim() });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="MCP tool">
      <Field label="Tool name" htmlFor="mcp-tool-name" error={errors.toolName}>
        <Input
          id="mcp-tool-name"
          value={toolName}
          onChange={(e) => setToolName(e.target.value)}
          disabled={!canEdit}
          maxLength={64}
          pattern="[a-zA-Z0-9_\-]{1,64}"
          title="1 to 64 letters, digits, underscores or hyphens"
          aria-invalid={errors.toolName ? true : undefined}
          aria-describedby={errors.toolName ? "mcp-tool-name-error" : "mcp-tool-name-help"}
          className="font-mono"
        />
        <p id="mcp-tool-name-help" className="text-xs text-muted-foreground">
          Letters, digits, _ and -; unique in this tenant. Clients that saved the old name must list
          the tools again.
        </p>
      </Field>
      <Field label="Description" htmlFor="mcp-tool-description" error={errors.description}>
        <textarea
          id="mcp-tool-description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          disabled={!canEdit}
          rows={3}
          maxLength={2000}
          placeholder={
            workflowDescription || "What the tool does, for the model that decides when to call it"
          }
          aria-invalid={errors.description ? true : undefined}
          className="w-full rounded-md border bg-card px-3 py-2 text-sm placeholder:text-muted-foreground focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring"
        />
      </Field>
      <FormError>{errors.form}</FormError>
      {canEdit ? (
        <div className="flex justify-end">
          <Button type="submit" disabled={!isChanged || update.isPending}>
            {update.isPending ? <Spinner /> : null}
            Save
          </Button>
        </div>
      ) : null}
    </form>
  );
}

function ClientSnippets() {
  // Rendered in a dialog on the client, where the page's own origin is the endpoint's.
  const url = `${typeof window === "undefined" ? "" : window.location.origin}/api/mcp`;
  return (
    <section className="space-y-4" aria-labelledby="mcp-clients-title">
      <div>
        <h3 id="mcp-clients-title" className="text-sm font-semibold">
          Connect a client
        </h3>
        <p className="text-xs text-muted-foreground">
          The endpoint is <code className="font-mono">{url}</code>, with every tool this tenant
          exposes. Create a token with the <code>runs:write</code> scope (
          <code>workflows:read</code> only lists) under{" "}
          <Link href="/admin/tokens" className="underline underline-offset-2">
            Admin → API tokens
          </Link>{" "}
          and set it as <code>MAESTRO_TOKEN</code>.
        </p>
      </div>
      <Snippet title=".mcp.json (Claude Code, Cursor, VS Code)" text={mcpJsonSnippet(url)} />
      <Snippet
        title="Claude Desktop (claude_desktop_config.json, through mcp-remote)"
        text={claudeDesktopSnippet(url)}
      />
    </section>
  );
}

function Snippet({ title, text }: { title: string; text: string }) {
  const [isCopied, setCopied] = useState(false);
  function copy() {
    navigator.clipboard.writeText(text).then(
      () => {
        setCopied(true);
        toast.success("Copied");
      },
      () => toast.error("Could not copy: select the text and copy it by hand."),
    );
  }
  return (
    <figure className="space-y-1.5">
      <div className="flex items-center justify-between gap-2">
        <figcaption className="text-xs font-medium">{title}</figcaption>
        <Button size="sm" variant="ghost" onClick={copy} aria-label={`Copy ${title}`}>
          {isCopied ? (
            <Check className="size-4" aria-hidden />
          ) : (
            <Copy className="size-4" aria-hidden />
          )}
          {isCopied ? "Copied" : "Copy"}
        </Button>
      </div>
      <pre className="max-h-64 overflow-auto rounded-md border bg-muted p-3 font-mono text-xs">
        {text}
      </pre>
    </figure>
  );
}
