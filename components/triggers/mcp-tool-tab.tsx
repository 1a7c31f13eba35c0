"use client";

/** Placeholder: filled in by the mcp-tool work of issue 15. */
export function McpToolTab({ workflowId }: { workflowId: string }) {
  void workflowId;
  return null;
}
