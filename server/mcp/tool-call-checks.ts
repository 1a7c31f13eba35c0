import { McpToolError, toolResultError } from "./errors";
import type { ToolResult } from "./session-requests";
import type { CheckedTool } from "./tool-schemas";

/**
 * What a connection checks around a tool call, whichever revision carries it: before, that the
 * tool is listed, usable and given arguments its input schema accepts; after, that the result is
 * not the tool's own error and that its structured content fits the output schema.
 */

/** The listed tool to call, or the McpToolError that says why it cannot be called with `args`. */
export function toolToCall(
  server: string,
  tools: Map<string, CheckedTool>,
  name: string,
  args: Record<string, unknown>,
): CheckedTool {
  const tool = tools.get(name);
  const context = { server, tool: name };
  if (!tool) {
    const known = [...tools.keys()].slice(0, 20).join(", ");
    throw new McpToolError(
      "TOOL_NOT_FOUND",
      `${server} has no tool "${name}"${known ? ` (it has: ${known})` : ""}`,
      context,
    );
  }
  if (tool.unusableReason)
    throw new McpToolError(
      "TOOL_UNUSABLE",
      `${server}/${name} cannot be used: ${tool.unusableReason}`,
      context,
    );
  const checked = tool.validateInput?.(args);
  if (checked && !checked.valid)
    throw new McpToolError(
      "INVALID_ARGUMENTS",
      `${server}/${name}: the arguments do not match the tool's schema: ${checked.errorMessage}`,
      context,
    );
  return tool;
}

/** The result, unless it is the tool's own error or its structured content misses the output schema. */
export function checkedResult(server: string, tool: CheckedTool, result: ToolResult): ToolResult {
  if (result.isError) throw toolResultError(server, tool.name, result.content);
  if (tool.validateOutput && result.structuredContent) {
    const output = tool.validateOutput(result.structuredContent);
    if (!output.valid)
      throw new McpToolError(
        "PROTOCOL_ERROR",
        `${server}/${tool.name}: the result does not match the tool's output schema: ${output.errorMessage}`,
        { server, tool: tool.name },
      );
  }
  return result;
}
