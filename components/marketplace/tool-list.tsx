import { AlertTriangle, Wrench } from "lucide-react";
import { EmptyState } from "@/components/ui/states";
import type { ToolDescription } from "./types";

/** A server's tools with their input schemas, and why a tool is unusable when it is. */
export function ToolList({ tools, emptyText }: { tools: ToolDescription[]; emptyText: string }) {
  if (tools.length === 0) {
    return (
      <EmptyState icon={Wrench} title="No tools known yet">
        <p className="max-w-md text-sm text-muted-foreground">{emptyText}</p>
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y rounded-xl border bg-card" aria-label="Tools">
      {tools.map((tool) => (
        <li key={tool.name} className="px-4 py-3">
          <details>
            <summary className="cursor-pointer">
              <span className="font-mono text-sm font-medium">{tool.name}</span>
              {tool.unusableReason ? (
                <span className="ml-2 inline-flex items-center gap-1 text-xs text-danger">
                  <AlertTriangle className="size-3" aria-hidden />
                  unusable
                </span>
              ) : null}
              {tool.description ? (
                <span className="mt-1 line-clamp-3 block text-sm text-muted-foreground">
                  {tool.description}
                </span>
              ) : null}
            </summary>
            {tool.unusableReason ? (
              <p className="mt-2 text-sm text-danger">{tool.unusableReason}</p>
            ) : null}
            <pre className="mt-2 max-h-72 overflow-auto rounded-md bg-muted p-3 text-xs">
              {JSON.stringify(tool.inputSchema, null, 2)}
            </pre>
          </details>
        </li>
      ))}
    </ul>
  );
}
