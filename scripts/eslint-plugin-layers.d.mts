import type { Rule } from "eslint";

declare const plugin: { rules: Record<"import-layers", Rule.RuleModule> };
export default plugin;
