import type { JsonSchema } from "../../schema/json-schema";
import { validateJsonSchema } from "../../schema/json-schema";
import type { StepOfKind } from "../../schema/plan";
import type { StepResult, StepScope } from "../step-scope";
import { StepError } from "../step-error";
import { runAgentLoop } from "./agent-loop";

/** Reads a structured answer, failing (retryably: models vary) when it does not match the schema. */
export function readStructured<T>(object: unknown, schema: JsonSchema, what: string): T {
  const problems =
    object === undefined ? ["no structured output"] : validateJsonSchema(object, schema, what);
  if (problems.length > 0)
    throw new StepError(
      "OUTPUT_INVALID",
      `The ${what} did not match its schema: ${problems.join("; ")}`,
      true,
    );
  return object as T;
}

type Subtask = { title: string; instructions: string };
const SUBTASKS_SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    subtasks: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        properties: { title: { type: "string" }, instructions: { type: "string" } },
        required: ["title", "instructions"],
      },
    },
  },
  required: ["subtasks"],
};

/**
 * Orchestrator-workers: a planner call splits the task into subtasks (at most maxWorkers), each
 * subtask becomes a dynamic worker step (`<id>/worker-<n>`, stored and resumable on its own), and a
 * final call synthesises their results.
 */
export async function runOrchestrator(
  step: StepOfKind<"orchestrator">,
  scope: StepScope,
): Promise<StepResult> {
  const config = step.config;
  const task = scope.renderText(config.task);
  const planned = await scope.runSubstep("planner", "llm", {
    title: "Plan subtasks",
    execute: async (planner) => {
      const response = await planner.generate({
        model: config.model,
        messages: [
          {
            role: "system",
            content: `${planner.renderText(config.instructions)}\nReturn at most ${config.maxWorkers} subtasks.`,
          },
          { role: "user", content: task },
        ],
        outputSchema: SUBTASKS_SCHEMA,
      });
      const { subtasks } = readStructured<{ subtasks: Subtask[] }>(
        response.object,
        SUBTASKS_SCHEMA,
        "planner's answer",
      );
      return {
        output: {
          subtasks: subtasks
            .slice(0, config.maxWorkers)
            .map(({ title, instructions }) => ({ title, instructions })),
        },
      };
    },
  });
  const subtasks = (planned as { subtasks: Subtask[] }).subtasks;
  scope.progress(`Planned ${subtasks.length} subtask${subtasks.length === 1 ? "" : "s"}`);
  const results = await scope.runWorkers(
    subtasks.map((subtask) => ({
      title: subtask.title,
      execute: async (worker) => {
        const prompt = `Overall task: ${task}\n\nYour subtask: ${subtask.title}\n${subtask.instructions}`;
        return { output: (await runAgentLoop(worker, config.worker, prompt)).text };
      },
    })),
  );
  const report = subtasks.map((s, i) => `## ${s.title}\n${String(results[i] ?? "")}`).join("\n\n");
  const synthesis = await scope.generate({
    model: config.model,
    messages: [
      { role: "system", content: scope.renderText(config.synthesisInstructions) },
      { role: "user", content: `Task: ${task}\n\n${report}` },
    ],
  });
  return {
    output: {
      subtasks,
      results: subtasks.map((s, i) => ({ title: s.title, output: results[i] ?? null })),
      summary: synthesis.text,
    },
  };
}

const RATING_SCHEMA: JsonSchema = {
  type: "object",
  properties: { rating: { type: "number" }, feedback: { type: "string" } },
  required: ["rating", "feedback"],
};

/**
 * Evaluator-optimizer: generate, rate, regenerate with the feedback, until the rating reaches the
 * threshold or the iteration cap. Returns the best-rated draft (the latest among equals).
 */
export async function runEvaluatorOptimizer(
  step: StepOfKind<"evaluator-optimizer">,
  scope: StepScope,
): Promise<StepResult> {
  const { generator, evaluator, threshold, maxIterations } = step.config;
  const task = scope.renderText(step.config.task);
  const history: Array<{ iteration: number; rating: number; feedback: string }> = [];
  let best = { draft: "", rating: Number.NEGATIVE_INFINITY };
  let previous: { draft: string; feedback: string } | undefined;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const prompt = previous
      ? `${task}\n\nYour previous draft:\n${previous.draft}\n\nReviewer feedback:\n${previous.feedback}\n\nWrite an improved version.`
      : task;
    const draft = (
      await scope.generate({
        model: generator.model,
        messages: [
          { role: "system", content: scope.renderText(generator.instructions) },
          { role: "user", content: prompt },
        ],
      })
    ).text;
    const review = await scope.generate({
      model: evaluator.model,
      messages: [
        { role: "system", content: scope.renderText(evaluator.instructions) },
        {
          role: "user",
          content: `Task:\n${task}\n\nDraft:\n${draft}\n\nRate the draft and give feedback.`,
        },
      ],
      outputSchema: RATING_SCHEMA,
    });
    const { rating, feedback } = readStructured<{ rating: number; feedback: string }>(
      review.object,
      RATING_SCHEMA,
      "evaluator's answer",
    );
    history.push({ iteration, rating, feedback });
    scope.progress(`Iteration ${iteration}: rated ${rating} (needs ${threshold})`);
    if (rating >= best.rating) best = { draft, rating };
    if (rating >= threshold) break;
    previous = { draft, feedback };
  }
  return {
    output: {
      output: best.draft,
      rating: best.rating,
      iterations: history.length,
      accepted: best.rating >= threshold,
      history,
    },
  };
}

/**
 * Swarm: the entry agent works on the task; calling a hand-off tool passes it to another agent
 * along with everyone's notes so far. Stops when an agent answers without handing off, or when the
 * hand-off cap is reached (then the last agent's answer stands and `handoffCapReached` is set).
 */
export async function runSwarm(step: StepOfKind<"swarm">, scope: StepScope): Promise<StepResult> {
  const { agents, maxHandoffs } = step.config;
  const task = scope.renderText(step.config.task);
  const handoffs: Array<{ from: string; to: string }> = [];
  const notes: string[] = [];
  let current = step.config.entryAgent;
  for (;;) {
    const agent = agents.find((a) => a.name === current);
    if (!agent)
      throw new StepError(
        "SWARM_UNKNOWN_AGENT",
        `There is no agent "${current}" in this swarm`,
        false,
      );
    scope.progress(`${current} is working`);
    const prompt = notes.length
      ? `${task}\n\nNotes from your colleagues so far:\n${notes.join("\n")}`
      : task;
    const outcome = await runAgentLoop(scope, agent, prompt, agent.handoffs);
    if (outcome.text) notes.push(`[${current}] ${outcome.text}`);
    const capReached = outcome.handoff !== undefined && handoffs.length >= maxHandoffs;
    if (outcome.handoff === undefined || capReached) {
      return {
        output: { output: outcome.text, agent: current, handoffs, handoffCapReached: capReached },
      };
    }
    handoffs.push({ from: current, to: outcome.handoff });
    current = outcome.handoff;
  }
}
