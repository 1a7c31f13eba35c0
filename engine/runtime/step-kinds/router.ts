import type { JsonSchema } from "../../schema/json-schema";
import { DEFAULT_BRANCH } from "../../schema/node-ports";
import type { StepOfKind } from "../../schema/plan";
import { StepError } from "../step-error";
import type { StepResult, StepScope } from "../step-scope";

/** Port errors that mean the model answered, but not in the shape asked for. */
const UNREADABLE_ANSWER = new Set(["LLM_OUTPUT_INVALID"]);

const quote = (value: unknown) =>
  typeof value === "string"
    ? `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}"`
    : (JSON.stringify(value) ?? "nothing");

/**
 * An LLM router: the model picks one branch by name. An answer that names no branch, or that cannot
 * be read at all, takes the default branch, and the step's progress says why, so the run goes on
 * down the path meant for "none of the above" instead of failing. With a fallback node set, an
 * unreadable answer fails the step instead, and the fallback stands in for it (as for any failure).
 * @example await runLlmRouter(step, scope) // → { output: scope.value, port: "billing" }
 */
export async function runLlmRouter(
  step: StepOfKind<"router">,
  scope: StepScope,
): Promise<StepResult> {
  const names = step.config.branches.map((b) => b.name);
  const schema: JsonSchema = {
    type: "object",
    properties: { branch: { type: "string", enum: [...names, DEFAULT_BRANCH] } },
    required: ["branch"],
  };
  const menu = step.config.branches
    .map((b) => `- ${b.name}${b.description ? `: ${b.description}` : ""}`)
    .join("\n");
  let chosen: unknown;
  try {
    const response = await scope.generate({
      model: step.config.model,
      messages: [
        {
          role: "system",
          content: `Classify the input into exactly one category.\n${menu}\n- ${DEFAULT_BRANCH}: none of the above`,
        },
        { role: "user", content: scope.renderText(step.config.prompt) },
      ],
      outputSchema: schema,
    });
    chosen = (response.object as { branch?: unknown } | undefined)?.branch;
  } catch (error) {
    if (
      !(error instanceof StepError) ||
      !UNREADABLE_ANSWER.has(error.code) ||
      step.fallback !== null
    )
      throw error;
    scope.progress(
      `Took the ${DEFAULT_BRANCH} branch: the model's answer could not be read as a branch (${error.message})`,
    );
    return { output: scope.value, port: DEFAULT_BRANCH };
  }
  if (typeof chosen === "string" && names.includes(chosen))
    return { output: scope.value, port: chosen };
  if (chosen !== DEFAULT_BRANCH) {
    scope.progress(
      `Took the ${DEFAULT_BRANCH} branch: the model answered ${quote(chosen)}, which is not one of ${names.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return { output: scope.value, port: DEFAULT_BRANCH };
}
