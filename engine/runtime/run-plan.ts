import { AppError } from "../errors";
import { validateJsonSchema } from "../schema/json-schema";
import type { Plan } from "../schema/plan";
import type { RunEvent } from "../schema/run-events";
import { PlanRunner } from "./plan-runner";
import type { RunPorts } from "./ports";
import type { RunOptions } from "./run-options";

/**
 * Checks run input against the plan's input schema (the input node's), before anything is queued.
 * @example validateRunInput(plan, { topic: 42 }) // → ["input.topic: expected string, got number"]
 */
export function validateRunInput(plan: Plan, input: unknown): string[] {
  return plan.inputSchema ? validateJsonSchema(input, plan.inputSchema) : [];
}

/**
 * Runs a plan, yielding every run event as it happens (each also goes to `ports.events`). The
 * generator ends after the terminal event: run.completed, run.failed, run.cancelled, or run.waiting
 * when a human-approval step needs a decision (call again with `options.approvals` to go on).
 * Calling it again with the same runId resumes: steps already in the RunStore are not re-run.
 * Throws AppError INVALID_INPUT, before any event, when the input does not match the input schema.
 * Stopping the iteration early cancels the run.
 * @example
 *   for await (const event of runPlan(plan, { topic: "tides" }, ports, { runId })) publish(event);
 */
export async function* runPlan(
  plan: Plan,
  input: unknown,
  ports: RunPorts,
  options: RunOptions,
): AsyncGenerator<RunEvent, void, undefined> {
  const problems = validateRunInput(plan, input);
  if (problems.length > 0) {
    throw new AppError("INVALID_INPUT", `The run input is invalid: ${problems.join("; ")}`, {
      problems,
    });
  }
  const run = new PlanRunner(plan, input, ports, options);
  const { ledger } = run;
  const started = run.start().catch((error: unknown) => run.crash(error));
  try {
    for (;;) {
      const event = ledger.takeEvent();
      if (event) yield event;
      else if (ledger.isFinished) break;
      else await ledger.waitForEvent();
    }
    await started;
  } finally {
    if (!ledger.isFinished) {
      ledger.cancel("The run's event consumer stopped listening");
      // Drain without yielding (nobody is reading) until in-flight steps have wound down.
      while (!ledger.isFinished) {
        while (ledger.takeEvent());
        await ledger.waitForEvent();
      }
    }
  }
}

/**
 * Drains a run into an array; handy in tests and for callers that only use the EventSink.
 * @example const events = await collectRunEvents(runPlan(plan, input, ports, { runId: "r1" }));
 */
export async function collectRunEvents(run: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}
