"use client";

import { useReactFlow } from "@xyflow/react";
import { CircleAlert, CircleCheck, TriangleAlert } from "lucide-react";
import { useEditor, useEditorStore } from "./editor-context";
import { NODE_WIDTH } from "./layout";

/** The compiler's errors and warnings; clicking one selects its node and brings it into view. */
export function ProblemsPanel() {
  const store = useEditorStore();
  const flow = useReactFlow();
  const diagnostics = useEditor((s) => s.diagnostics);
  const focus = (nodeId: string | undefined, edgeId: string | undefined) => {
    const state = store.getState();
    const edge = edgeId ? state.document.edges.find((e) => e.id === edgeId) : undefined;
    const node = state.document.nodes.find((n) => n.id === (nodeId ?? edge?.target));
    if (edge) state.select([], [edge.id]);
    else if (node) state.select([node.id], []);
    if (node?.position)
      void flow.setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + 40, {
        zoom: Math.max(flow.getZoom(), 1),
        duration: 300,
      });
  };
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  return (
    <section aria-label="Problems" className="flex h-full flex-col">
      <h2 className="flex items-center gap-2 border-b px-3 py-1.5 text-xs font-semibold tracking-wide text-muted-foreground uppercase">
        Problems
        <span className="rounded-full bg-muted px-1.5 normal-case">
          {diagnostics.length
            ? `${errors} errors, ${diagnostics.length - errors} warnings`
            : "none"}
        </span>
      </h2>
      {diagnostics.length === 0 ? (
        <p className="flex items-center gap-2 px-3 py-2 text-sm text-muted-foreground">
          <CircleCheck className="size-4 text-emerald-600" aria-hidden /> The workflow compiles.
        </p>
      ) : (
        <ul className="overflow-y-auto">
          {diagnostics.map((d, i) => (
            <li key={`${d.code}-${d.nodeId ?? d.edgeId ?? ""}-${d.field ?? ""}-${i}`}>
              <button
                type="button"
                onClick={() => focus(d.nodeId, d.edgeId)}
                className="flex w-full items-start gap-2 px-3 py-1.5 text-left text-sm hover:bg-muted focus-visible:outline-2 focus-visible:outline-ring"
              >
                {d.severity === "error" ? (
                  <CircleAlert className="mt-0.5 size-4 shrink-0 text-danger" aria-label="Error" />
                ) : (
                  <TriangleAlert
                    className="mt-0.5 size-4 shrink-0 text-amber-500"
                    aria-label="Warning"
                  />
                )}
                <span>
                  {d.nodeId ? (
                    <code className="mr-1.5 rounded bg-muted px-1 text-xs">{d.nodeId}</code>
                  ) : null}
                  {d.message}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
