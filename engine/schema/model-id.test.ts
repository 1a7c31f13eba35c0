import { describe, expect, it } from "vitest";
import { toModelId } from "./model-id";

describe("model ids", () => {
  it.each([
    ["openai:gpt-4o-mini", "openai/gpt-4o-mini"],
    ["anthropic:claude-haiku-4-5", "anthropic/claude-haiku-4-5"],
    ["local:qwen3:8b", "local/qwen3:8b"],
    ["openai/gpt-4o-mini", "openai/gpt-4o-mini"],
    ["local/qwen3:8b", "local/qwen3:8b"],
    [" openai/gpt-4o ", "openai/gpt-4o"],
    ["qwen3:8b", "qwen3:8b"],
    ["openai:", "openai:"],
  ])("reads %j as %j", (written, id) => {
    expect(toModelId(written)).toBe(id);
  });
});
