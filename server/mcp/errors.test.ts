import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { McpToolError, toMcpToolError, toolResultError } from "./errors";

const call = { server: "files", tool: "read", phase: "call" as const };

describe("both error shapes become one error type", () => {
  it("turns isError results into TOOL_ERROR, or INVALID_ARGUMENTS when the text says so", () => {
    const failed = toolResultError("files", "read", [
      { type: "text", text: "Access denied: /etc" },
    ]);
    expect(failed).toMatchObject({
      code: "TOOL_ERROR",
      message: "files/read: Access denied: /etc",
      isRetryable: false,
    });
    expect(
      toolResultError("files", "read", [
        { type: "text", text: "MCP error -32602: Invalid arguments for tool read" },
      ]).code,
    ).toBe("INVALID_ARGUMENTS");
    expect(toolResultError("files", "read", []).message).toContain("without a message");
  });

  it("maps thrown McpErrors by code and phase", () => {
    expect(
      toMcpToolError(new McpError(ErrorCode.RequestTimeout, "Request timed out"), call),
    ).toMatchObject({ code: "TIMEOUT", isRetryable: true });
    expect(
      toMcpToolError(new McpError(ErrorCode.ConnectionClosed, "Connection closed"), {
        ...call,
        stderr: "boom\npanic: out of memory",
      }),
    ).toMatchObject({
      code: "SERVER_CRASHED",
      message: expect.stringContaining("panic: out of memory"),
    });
    expect(
      toMcpToolError(new McpError(ErrorCode.ConnectionClosed, "Connection closed"), {
        server: "x",
        phase: "connect",
      }).code,
    ).toBe("CONNECT_FAILED");
    expect(
      toMcpToolError(new McpError(ErrorCode.InvalidParams, "Unknown tool: read"), call).code,
    ).toBe("TOOL_NOT_FOUND");
    expect(toMcpToolError(new McpError(ErrorCode.InvalidParams, "bad path"), call).code).toBe(
      "INVALID_ARGUMENTS",
    );
    expect(toMcpToolError(new McpError(ErrorCode.InternalError, "disk full"), call)).toMatchObject({
      code: "TOOL_ERROR",
      message: "files/read: disk full",
    });
  });

  it("calls an aborted request CANCELLED, whatever the SDK threw", () => {
    const controller = new AbortController();
    controller.abort();
    expect(
      toMcpToolError(new McpError(ErrorCode.RequestTimeout, "AbortError"), {
        ...call,
        signal: controller.signal,
      }).code,
    ).toBe("CANCELLED");
  });

  it("explains transport failures at connect", () => {
    expect(
      toMcpToolError(new Error("spawn /x ENOENT"), { server: "x", phase: "connect" }).message,
    ).toContain("the command was not found");
    expect(
      toMcpToolError(new Error("spawn uvx ENOENT"), { server: "py", phase: "connect" }).message,
    ).toContain("uvx is not installed on this host, so PyPI packages cannot be fetched");
    expect(
      toMcpToolError(new TypeError("fetch failed"), { server: "x", phase: "connect" }).message,
    ).toContain("could not be reached");
    const same = new McpToolError("TIMEOUT", "t");
    expect(toMcpToolError(same, call)).toBe(same);
  });
});
