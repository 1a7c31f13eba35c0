import { z } from "zod";
import type { PlanRefiner, RefinementSuggestion } from "@/engine/autonomy/refine-plan";
import { PATTERNS } from "@/engine/autonomy/vocabulary";
import type { LlmPort } from "@/engine/runtime/ports";

const SuggestionSchema = z.object({
  pattern: z.enum(PATTERNS).optional(),
  servers: z.array(z.string().max(100)).max(10).optional(),
  instructions: z.record(z.string().max(100), z.string().min(1).max(4000)).optional(),
  reason: z.string().min(1).max(1000),
});

const INSTRUCTIONS = `You review a workflow that a fast rule-based planner proposed for a task. Improve it only where
it is clearly better: a better pattern among ${PATTERNS.join(", ")}; the MCP servers it needs (short catalog
names, best first); clearer instructions for its agents (by agent id). Answer with JSON only:
{"pattern"?: string, "servers"?: string[], "instructions"?: {"<agent id>": string}, "reason": string}.
Leave out what you would keep.`;

/** The first JSON object in a model's text (models wrap JSON in prose or fences now and then). */
function jsonIn(text: string): unknown {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return undefined;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/**
 * engine/autonomy's optional PlanRefiner on the tenant's model: one call with the proposal as JSON,
 * answered as a suggestion that the engine checks (and drops if it does not compile). A reply that
 * is not a valid suggestion is no suggestion.
 */
export function createLlmPlanRefiner(llm: LlmPort, model: string | null = null): PlanRefiner {
  return {
    async refine(draft, signal) {
      const response = await llm.generate({
        model,
        messages: [
          { role: "system", content: INSTRUCTIONS },
          { role: "user", content: JSON.stringify(draft) },
        ],
        temperature: 0,
        signal: signal ?? AbortSignal.timeout(30_000),
      });
      const parsed = SuggestionSchema.safeParse(response.object ?? jsonIn(response.text));
      return parsed.success ? (parsed.data as RefinementSuggestion) : null;
    },
  };
}
