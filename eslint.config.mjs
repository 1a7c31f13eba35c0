import js from "@eslint/js";
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";
import boundaries from "eslint-plugin-boundaries";
import { layerPolicies, layerSettings } from "./scripts/eslint-layers.mjs";

const ENGINE_WHY =
  "engine/ is the pure core shared by the browser and the server: it may import only itself and zod. Put code that needs this in server/ behind a port.";

export default tseslint.config(
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      ".tmp/**",
      "db/migrations/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    settings: layerSettings,
    plugins: { boundaries, "react-hooks": reactHooks, "@next/next": nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs["core-web-vitals"].rules,
      "boundaries/dependencies": ["error", layerPolicies],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message:
            "Read configuration through server/env.ts (getEnv()), the one place that validates it.",
        },
      ],
    },
  },
  {
    // Where reading process.env is the point: the validator itself, Next's runtime probe, tools and tests' harnesses.
    files: [
      "server/env.ts",
      "instrumentation.ts",
      "scripts/**",
      "e2e/**",
      "playwright.config.ts",
      "bench/**",
      "**/*.test.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["engine/**"],
    ignores: ["engine/**/*.test.ts"],
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "process", message: ENGINE_WHY },
        { name: "require", message: ENGINE_WHY },
      ],
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ regex: "^(?!zod$|zod/|\\.|@/engine/).*", message: ENGINE_WHY }],
        },
      ],
    },
  },
  {
    // Engine tests may use the test framework, and still nothing from outside the engine.
    files: ["engine/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(?!zod$|zod/|vitest$|\\.|@/engine/).*", message: ENGINE_WHY }] },
      ],
    },
  },
);
