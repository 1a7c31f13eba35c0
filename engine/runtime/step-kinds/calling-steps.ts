import type { PlanStep, StepOfKind } from "../../schema/plan";
import { stringifyValue } from "../../schema/template";
import type { StepResult, StepScope } from "../step-scope";
import { StepError } from "../step-error";
import { runAgentLoop } from "./agent-loop";
import { readStructured, runEvaluatorOptimizer, runOrchestrator, runSwarm } from "./multi-agent";
import { runLlmRouter } from "./router";

const DEFAULT_SUMMARY_PROMPT =
  "Combine these results into one coherent answer. Keep every distinct point once.";

function asArguments(value: unknown, source: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  throw new StepError(
    "INVALID_ARGUMENTS",
    `Tool arguments must be an object, but ${source} is ${Array.isArray(value) ? "a list" : typeof value}`,
    false,
  );
}

const toResult = (output: unknown): StepResult => ({ output });

function runTool(step: StepOfKind<"tool">, scope: StepScope): Promise<StepResult> {
  const { server, tool, args } = step.config;
  const rendered =
    args === null
      ? asArguments(scope.value, "the incoming value")
      : asArguments(scope.render(args), "the args template");
  return scope.callTool({ server, tool, args: rendered }).then(toResult);
}

async function runLlm(step: StepOfKind<"llm">, scope: StepScope): Promise<StepResult> {
  const { system, prompt, model, outputSchema, temperature } = step.config;
  const response = await scope.generate({
    model,
    messages: [
      ...(system ? [{ role: "system" as const, content: scope.renderText(system) }] : []),
      { role: "user", content: scope.renderText(prompt) },
    ],
    ...(outputSchema ? { outputSchema } : {}),
    ...(temperature === null ? {} : { temperature }),
  });
  return {
    output: outputSchema
      ? readStructured(response.object, outputSchema, "model's answer")
      : response.text,
  };
}

async function runSummaryJoin(step: StepOfKind<"join">, scope: StepScope): Promise<StepResult> {
  const results = scope.liveInputs
    .map((o, i) => `Result ${i + 1}:\n${stringifyValue(o)}`)
    .join("\n\n");
  const response = await scope.generate({
    model: step.config.model,
    messages: [
      { role: "system", content: scope.renderText(step.config.prompt ?? DEFAULT_SUMMARY_PROMPT) },
      { role: "user", content: results },
    ],
  });
  return { output: response.text };
}

/**
 * Steps that call an LLM or a tool. Each resolves to its output (and, for a router, the branch).
 * @example await executeCallingStep(llmStep, scope) // → { output: "The brief…" }
 */
export function executeCallingStep(step: PlanStep, scope: StepScope): Promise<StepResult> {
  switch (step.kind) {
    case "tool":
      return runTool(step, scope);
    case "llm":
      return runLlm(step, scope);
    case "agent":
      return runAgentLoop(scope, step.config, scope.renderText(step.config.prompt)).then(
        (outcome) => toResult(outcome.text),
      );
    case "router":
      return runLlmRouter(step, scope);
    case "join":
      return runSummaryJoin(step, scope);
    case "orchestrator":
      return runOrchestrator(step, scope);
    case "evaluator-optimizer":
      return runEvaluatorOptimizer(step, scope);
    case "swarm":
      return runSwarm(step, scope);
    default:
      throw new StepError("NOT_CALLING", `A ${step.kind} step calls no port`, false);
  }
}
