"use client";

import { useQuery } from "@tanstack/react-query";
import { Copy, Trash2 } from "lucide-react";
import { useMemo } from "react";
import { z } from "zod";
import { nodeReasonsOf } from "@/components/autonomy";
import { configSchemaOf, nodeKindInfo } from "@/components/shared/node-kinds";
import { useTRPC } from "@/components/trpc/react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import {
  NodePolicySchema,
  WorkflowSettingsSchema,
  type WorkflowNode,
} from "@/engine/schema/workflow-document";
import { updateNode, updateSettings } from "./document-commands";
import { useEditor, useEditorStore } from "./editor-context";
import {
  FieldProblemContext,
  SchemaForm,
  type FieldProblemSink,
  type Pickers,
} from "@/components/shared/schema-form";
import { serverChoices } from "./server-choices";
import { useEditorActions } from "./use-editor-shortcuts";

const LabelSchema = z.object({ label: z.string().optional() });
const selectClass = "w-full rounded-md border bg-card px-2.5 py-1.5 text-sm";

/** Installed MCP servers (by name, as workflows refer to them) and the tools of one of them. */
function useServerPickers(node: WorkflowNode | undefined): Pickers {
  const trpc = useTRPC();
  const installed = useQuery({
    ...trpc.mcp.listInstallations.queryOptions({ limit: 100 }),
    enabled: node?.kind === "agent" || node?.kind === "tool",
  });
  const servers = useMemo(() => installed.data?.items ?? [], [installed.data]);
  const chosen =
    node?.kind === "tool" ? servers.find((s) => s.name === node.config.server) : undefined;
  const tools = useQuery({
    ...trpc.mcp.listTools.queryOptions({ id: chosen?.id ?? "" }),
    enabled: Boolean(chosen),
    staleTime: 60_000,
  });
  return useMemo(() => {
    const serverOptions = servers.map((s) => s.name);
    // Only a complete list can tell that a server is not installed.
    const isListComplete = installed.isSuccess && !installed.data.nextCursor;
    const pickers: Pickers = {
      mcpServers: ({ id, value, onChange }) => {
        const picked = new Set(Array.isArray(value) ? (value as string[]) : []);
        const choices = serverChoices(serverOptions, [...picked]);
        if (!choices.length)
          return (
            <p className="text-xs text-muted-foreground">
              {installed.isLoading
                ? "Loading servers…"
                : "No MCP servers installed: add some in the Marketplace."}
            </p>
          );
        return (
          <div id={id} role="group" className="space-y-1">
            {choices.map(({ name, isInstalled }) => (
              <label key={name} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  checked={picked.has(name)}
                  onChange={(e) => {
                    const next = new Set(picked);
                    if (e.target.checked) next.add(name);
                    else next.delete(name);
                    onChange([...next]);
                  }}
                />
                {name}
                {isInstalled || !isListComplete ? null : (
                  <span className="text-xs text-danger">not installed</span>
                )}
              </label>
            ))}
          </div>
        );
      },
      server: ({ id, value, onChange }) => (
        <select
          id={id}
          className={selectClass}
          value={typeof value === "string" ? value : ""}
          onChange={(e) => onChange(e.target.value || undefined)}
        >
          <option value="">
            {installed.isLoading ? "Loading…" : "Choose an installed server"}
          </option>
          {[
            ...new Set([...serverOptions, ...(typeof value === "string" && value ? [value] : [])]),
          ].map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      ),
    };
    if (node?.kind === "tool") {
      pickers.tool = ({ id, value, onChange }) => {
        const names = tools.data?.tools.map((t) => t.name) ?? [];
        const current = typeof value === "string" ? value : "";
        return (
          <select
            id={id}
            className={selectClass}
            value={current}
            onChange={(e) => onChange(e.target.value || undefined)}
          >
            <option value="">
              {!chosen
                ? "Choose a server first"
                : tools.isLoading
                  ? "Loading tools…"
                  : "Choose a tool"}
            </option>
            {[...new Set([...names, ...(current ? [current] : [])])].map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        );
      };
    }
    return pickers;
  }, [
    servers,
    installed.isLoading,
    installed.isSuccess,
    installed.data?.nextCursor,
    node?.kind,
    tools.data,
    tools.isLoading,
    chosen,
  ]);
}

/** The side panel: the selected node's settings, or the workflow's when nothing is selected. */
export function Inspector({ readOnly }: { readOnly: boolean }) {
  const store = useEditorStore();
  const selectedIds = useEditor((s) => s.selectedNodeIds);
  const node = useEditor((s) =>
    s.selectedNodeIds.length === 1
      ? s.document.nodes.find((n) => n.id === s.selectedNodeIds[0])
      : undefined,
  );
  const settings = useEditor((s) => s.document.settings);
  const otherIds = useEditor((s) => s.document.nodes.map((n) => n.id).join(","));
  const diagnostics = useEditor((s) => s.diagnostics);
  // A proposed workflow says why each node is there (components/autonomy/node-reasons.ts).
  const reason = useEditor((s) =>
    node ? nodeReasonsOf(s.document.description).get(node.id) : undefined,
  );
  const pickers = useServerPickers(node);
  const actions = useEditorActions(store);

  const nodeId = node?.id;
  const problems = useMemo(() => {
    const byField = new Map<string, string[]>();
    const general: string[] = [];
    for (const d of diagnostics) {
      if (d.nodeId !== nodeId || (!nodeId && !d.field?.startsWith("settings."))) continue;
      if (d.field) byField.set(d.field, [...(byField.get(d.field) ?? []), d.message]);
      else general.push(d.message);
    }
    return { byField, general };
  }, [diagnostics, nodeId]);
  const fieldProblems = useMemo<FieldProblemSink>(
    () => ({
      report: (field, problem) => store.getState().setFieldProblem({ nodeId, field }, problem),
      pendingText: (field) =>
        store.getState().fieldProblems.find((p) => p.nodeId === nodeId && p.field === field)?.text,
    }),
    [store, nodeId],
  );

  if (selectedIds.length > 1) {
    return (
      <aside aria-label="Inspector" className="space-y-3 p-4">
        <h2 className="font-medium">{selectedIds.length} nodes selected</h2>
        <p className="text-sm text-muted-foreground">Drag any of them to move them together.</p>
        <div className="flex gap-2">
          <Button variant="secondary" size="sm" disabled={readOnly} onClick={actions.duplicate}>
            <Copy className="size-4" aria-hidden /> Duplicate
          </Button>
          <Button
            variant="secondary"
            size="sm"
            disabled={readOnly}
            onClick={actions.deleteSelection}
          >
            <Trash2 className="size-4" aria-hidden /> Delete
          </Button>
        </div>
      </aside>
    );
  }

  if (!node) {
    return (
      <aside aria-label="Inspector" className="space-y-3 p-4">
        <h2 className="font-medium">Workflow settings</h2>
        <p className="text-sm text-muted-foreground">
          Select a node to configure it. Drag nodes from the palette; connect a node&apos;s right
          handle to another&apos;s left.
        </p>
        <fieldset disabled={readOnly}>
          <FieldProblemContext value={fieldProblems}>
            <SchemaForm
              schema={WorkflowSettingsSchema}
              value={(settings as Record<string, unknown>) ?? {}}
              pathPrefix="settings"
              problems={problems.byField}
              onChange={(update) => {
                const next = update(
                  (store.getState().document.settings as Record<string, unknown>) ?? {},
                );
                store.getState().run(updateSettings(Object.keys(next).length ? next : undefined));
              }}
            />
          </FieldProblemContext>
        </fieldset>
      </aside>
    );
  }

  const { icon: Icon, label: kindLabel, colour } = nodeKindInfo(node.kind);
  const current = () => store.getState().document.nodes.find((n) => n.id === node.id);
  const edit = (patch: Parameters<typeof updateNode>[1], label: string) =>
    store.getState().run(updateNode(node.id, patch, label));
  const policyPickers: Pickers = {
    fallback: ({ id, value, onChange }) => (
      <select
        id={id}
        className={selectClass}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value || undefined)}
      >
        <option value="">None</option>
        {otherIds
          .split(",")
          .filter((other) => other && other !== node.id)
          .map((other) => (
            <option key={other} value={other}>
              {other}
            </option>
          ))}
      </select>
    ),
  };

  return (
    <aside aria-label="Inspector" className="space-y-4 overflow-y-auto p-4" key={node.id}>
      <div className="flex items-center gap-2">
        <Icon className={cn("size-4", colour)} aria-hidden />
        <h2 className="font-medium">{kindLabel}</h2>
        <code
          className="ml-auto rounded bg-muted px-1.5 text-xs"
          title="The node's id: other nodes refer to its result as {{steps.<id>.output}}"
        >
          {node.id}
        </code>
      </div>
      {reason ? (
        <p className="rounded-md border bg-muted/40 p-2 text-xs text-muted-foreground">
          <span className="font-medium text-foreground">Why this node: </span>
          {reason}
        </p>
      ) : null}
      {problems.general.length ? (
        <ul
          className="space-y-1 rounded-md border border-danger/40 bg-danger/5 p-2 text-sm text-danger"
          role="alert"
        >
          {problems.general.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <FieldProblemContext value={fieldProblems}>
        <fieldset disabled={readOnly} className="space-y-4">
          <SchemaForm
            schema={LabelSchema}
            value={{ label: node.label }}
            pathPrefix=""
            problems={problems.byField}
            onChange={(update) =>
              edit(
                {
                  label:
                    (update({ label: current()?.label }).label as string | undefined) || undefined,
                },
                "Rename node",
              )
            }
          />
          <SchemaForm
            schema={configSchemaOf(node.kind)}
            value={node.config as Record<string, unknown>}
            problems={problems.byField}
            pickers={pickers}
            onChange={(update) =>
              edit(
                {
                  config: update(
                    (current()?.config as Record<string, unknown>) ?? {},
                  ) as WorkflowNode["config"],
                },
                `Edit ${node.id}`,
              )
            }
          />
          <details className="rounded-md border p-3">
            <summary className="cursor-pointer text-sm font-medium">
              Timeout, retries, fallback and repeats
            </summary>
            <div className="pt-3">
              <SchemaForm
                schema={NodePolicySchema}
                value={(node.policy as Record<string, unknown>) ?? {}}
                pathPrefix="policy"
                problems={problems.byField}
                pickers={policyPickers}
                onChange={(update) => {
                  const next = update((current()?.policy as Record<string, unknown>) ?? {});
                  edit(
                    {
                      policy: Object.keys(next).length
                        ? (next as WorkflowNode["policy"])
                        : undefined,
                    },
                    `Edit ${node.id} policy`,
                  );
                }}
              />
            </div>
          </details>
        </fieldset>
      </FieldProblemContext>
    </aside>
  );
}
