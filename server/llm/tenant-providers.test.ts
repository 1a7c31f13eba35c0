import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import type { ModelResolver } from "./providers";
import { createTenantModelResolver, type TenantProviderSettings } from "./tenant-providers";

const platformModel = new MockLanguageModelV3({ modelId: "platform" });
const asked: (string | null)[] = [];
const platform: ModelResolver = (requested) => {
  asked.push(requested);
  return { model: platformModel, modelId: requested ?? "openai/platform-default" };
};
const settings = (
  values: Partial<TenantProviderSettings> & Pick<TenantProviderSettings, "provider">,
): TenantProviderSettings => ({
  baseUrl: null,
  defaultModel: null,
  apiKey: null,
  ...values,
});
const providerOf = (resolved: ReturnType<ModelResolver>) =>
  (resolved.model as { provider: string }).provider;

describe("a tenant's model resolver (AI SDK mock model for the platform)", () => {
  it("uses the tenant's provider for its models, the platform for the others", () => {
    const resolve = createTenantModelResolver(
      [settings({ provider: "anthropic", apiKey: "sk-ant-1" })],
      platform,
    );
    expect(providerOf(resolve("anthropic/claude-sonnet-4-5"))).toBe("anthropic.messages");
    expect(resolve("openai/gpt-4o").model).toBe(platformModel);
    expect(asked.at(-1)).toBe("openai/gpt-4o");
  });

  it("reads provider:model as provider/model, as the editor's hint allows", () => {
    const resolve = createTenantModelResolver(
      [settings({ provider: "anthropic", apiKey: "sk-ant-1" })],
      platform,
    );
    const resolved = resolve("anthropic:claude-sonnet-4-5");
    expect(providerOf(resolved)).toBe("anthropic.messages");
    expect(resolved.modelId).toBe("anthropic/claude-sonnet-4-5");
    resolve("openai:gpt-4o-mini");
    expect(asked.at(-1)).toBe("openai/gpt-4o-mini");
  });

  it("gives a step without a model the default of the tenant's first provider that has one", () => {
    const resolve = createTenantModelResolver(
      [
        settings({
          provider: "openai-compatible",
          baseUrl: "http://127.0.0.1:1/v1",
          defaultModel: "llama3.1",
        }),
        settings({ provider: "anthropic", apiKey: "sk-ant-1", defaultModel: "claude-haiku-4-5" }),
      ],
      platform,
    );
    expect(resolve(null).modelId).toBe("anthropic/claude-haiku-4-5");
  });

  it("ignores settings that cannot make calls (a cloud provider without a key) and asks the platform", () => {
    const resolve = createTenantModelResolver(
      [settings({ provider: "openai", defaultModel: "gpt-4o" })],
      platform,
    );
    expect(resolve(null).model).toBe(platformModel);
    expect(asked.at(-1)).toBeNull();
    expect(resolve("openai/gpt-4o").model).toBe(platformModel);
  });

  it("reports an unreadable key when the model is used, as a step error that is not retried", () => {
    const resolve = createTenantModelResolver(
      [settings({ provider: "openai", keyError: "cannot be read" })],
      platform,
    );
    expect(() => resolve("openai/gpt-4o")).toThrow(
      expect.objectContaining({ code: "LLM_NOT_CONFIGURED", retryable: false }),
    );
  });
});
