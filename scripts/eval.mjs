#!/usr/bin/env node
/**
 * `npm run -s eval -- run --workflow <name or id> [--version N | --draft] [--dataset <name or id>]
 *   [--min-score X] [--concurrency N] [--timeout S]`
 *
 * Runs an evaluation of a workflow on the app at MAESTRO_URL with the API token MAESTRO_TOKEN
 * (scope workflows:write), through the REST API (README "Evaluations from CI"). Progress goes to
 * stderr; the summary is one JSON object on the last line of stdout: score, items, passed,
 * failedItems, evaluationId. Exit codes: 0 done (and at least --min-score), 1 below --min-score
 * or the evaluation did not complete, 2 bad usage or an HTTP error (the message says which).
 * Plain Node (20+), no dependencies: CI runs it from a checkout without a build.
 */

import { pathToFileURL } from "node:url";

const USAGE = `Usage: npm run -s eval -- run --workflow <name or id> [--version N | --draft] [--dataset <name or id>] [--min-score X]
                         [--concurrency N] [--timeout SECONDS]
Environment: MAESTRO_URL (e.g. http://localhost:3000), MAESTRO_TOKEN (an API token with the workflows:write scope).
Prints progress on stderr and the summary as one JSON line on stdout.
Exit codes: 0 passed, 1 below --min-score or not completed, 2 usage or HTTP error; interrupted, it cancels the evaluation (130).`;

class UsageError extends Error {}
class HttpError extends Error {}

const FLAGS = {
  workflow: "value",
  version: "value",
  draft: "flag",
  dataset: "value",
  "min-score": "value",
  concurrency: "value",
  timeout: "value",
  help: "flag",
};

/** Parses `run --flag value …` into options; throws UsageError naming what is wrong. */
export function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") return { help: true };
  if (command !== "run")
    throw new UsageError(
      command ? `Unknown command "${command}": the command is "run".` : "Missing the command: run.",
    );
  const options = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [name, inline] = arg.startsWith("--") ? arg.slice(2).split(/=(.*)/s, 2) : [undefined];
    if (!name || !(name in FLAGS)) throw new UsageError(`Unknown argument "${arg}".`);
    if (name in options) throw new UsageError(`--${name} is given twice.`);
    if (FLAGS[name] === "flag") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`);
      options[name] = true;
    } else {
      const value = inline ?? rest[++i];
      if (value === undefined || (inline === undefined && value.startsWith("--")))
        throw new UsageError(`--${name} needs a value.`);
      options[name] = value;
    }
  }
  if (options.help) return { help: true };
  if (!options.workflow)
    throw new UsageError("--workflow is required (the workflow's name or id).");
  const number = (name, { integer, min, max }) => {
    if (options[name] === undefined) return undefined;
    const value = Number(options[name]);
    if (
      options[name].trim() === "" ||
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    )
      throw new UsageError(
        `--${name} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}, not "${options[name]}".`,
      );
    return value;
  };
  const parsed = {
    workflow: options.workflow,
    version: number("version", { integer: true, min: 1, max: 1e9 }),
    draft: Boolean(options.draft),
    dataset: options.dataset,
    minScore: number("min-score", { integer: false, min: 0, max: 1 }),
    concurrency: number("concurrency", { integer: true, min: 1, max: 16 }),
    timeoutSeconds: number("timeout", { integer: false, min: 1, max: 86_400 }) ?? 1800,
  };
  if (parsed.draft && parsed.version !== undefined)
    throw new UsageError("Give --version or --draft, not both.");
  return parsed;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function client(baseUrl, token) {
  return async function call(method, path, body) {
    let response;
    try {
      response = await fetch(new URL(`/api/v1/${path}`, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (error) {
      throw new HttpError(`Cannot reach ${baseUrl}: ${error.cause?.message ?? error.message}`);
    }
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = json?.error;
      const fields = error?.fieldErrors
        ? ` (${Object.entries(error.fieldErrors)
            .map(([field, problems]) => `${field}: ${problems.join(", ")}`)
            .join("; ")})`
        : "";
      throw new HttpError(
        `${method} /api/v1/${path} answered ${response.status}: ${error?.message ?? (text.slice(0, 200) || response.statusText)}${fields}`,
      );
    }
    if (json === undefined)
      throw new HttpError(
        `${method} /api/v1/${path} answered ${response.status} without JSON: is MAESTRO_URL the app?`,
      );
    return json;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function resolveWorkflow(call, workflow) {
  if (UUID.test(workflow)) return { id: workflow, name: workflow };
  const { items } = await call("GET", `workflows?name=${encodeURIComponent(workflow)}`);
  if (items.length === 0)
    throw new HttpError(
      `No workflow named "${workflow}" (names are matched exactly; an id works too).`,
    );
  return items[0];
}

async function resolveDataset(call, workflow, dataset) {
  if (dataset) return dataset; // the API takes a name or an id and says which exist when neither matches
  const { items } = await call("GET", `workflows/${workflow.id}/datasets`);
  if (items.length === 1) return items[0].id;
  if (items.length === 0)
    throw new HttpError(
      `The workflow "${workflow.name}" has no datasets: create one in the app first.`,
    );
  throw new UsageError(
    `The workflow "${workflow.name}" has ${items.length} datasets: choose one with --dataset (${items.map((d) => `"${d.name}"`).join(", ")}).`,
  );
}

/** Runs the command; answers the exit code. `io` lets tests capture the output. */
export async function main(
  argv,
  env = process.env,
  io = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
) {
  let options;
  try {
    options = parseArgs(argv);
    if (options.help) {
      io.out(USAGE);
      return 0;
    }
    if (!env.MAESTRO_URL)
      throw new UsageError("Set MAESTRO_URL to the app's address (e.g. http://localhost:3000).");
    if (!/^https?:\/\//.test(env.MAESTRO_URL))
      throw new UsageError(`MAESTRO_URL must be an http(s) address, not "${env.MAESTRO_URL}".`);
    if (!env.MAESTRO_TOKEN)
      throw new UsageError(
        "Set MAESTRO_TOKEN to an API token with the workflows:write scope (Admin → API tokens).",
      );
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`eval: ${error.message}\n\n${USAGE}`);
    return 2;
  }

  const call = client(env.MAESTRO_URL, env.MAESTRO_TOKEN);
  const pollMs = Number(env.MAESTRO_POLL_MS) > 0 ? Number(env.MAESTRO_POLL_MS) : 1000;
  try {
    const workflow = await resolveWorkflow(call, options.workflow);
    const dataset = await resolveDataset(call, workflow, options.dataset);
    let evaluation = await call("POST", "evaluations", {
      workflowId: workflow.id,
      dataset,
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.draft ? { draft: true } : {}),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    });
    // Interrupted (Ctrl-C, a CI job cancelled): cancel the evaluation rather than leave it running.
    // The poll below may see the evaluation cancelled before the cancel call answers: either way
    // the exit code is 130, once the cancel call is done.
    const started = evaluation.id;
    let cancelling;
    const interrupt = () => {
      io.err(`Interrupted: cancelling the evaluation ${started}…`);
      cancelling = call("POST", `evaluations/${started}/cancel`).then(
        () => {},
        (error) => io.err(`eval: ${error.message}`),
      );
      void cancelling.then(() => process.exit(130));
    };
    process.once("SIGINT", interrupt);
    process.once("SIGTERM", interrupt);
    const what = evaluation.draft ? "the draft" : `version ${evaluation.workflowVersion}`;
    io.err(
      `Evaluating ${what} of "${evaluation.workflow.name}" on "${evaluation.dataset.name}" v${evaluation.dataset.version} (${evaluation.progress.total} items): ${new URL(evaluation.links.web, env.MAESTRO_URL)}`,
    );
    const deadline = Date.now() + options.timeoutSeconds * 1000;
    let shown = -1;
    while (evaluation.status === "running" || evaluation.status === "queued") {
      if (evaluation.progress.finished !== shown) {
        shown = evaluation.progress.finished;
        io.err(
          `  ${shown}/${evaluation.progress.total} items${evaluation.progress.failedRuns ? ` (${evaluation.progress.failedRuns} runs failed)` : ""}`,
        );
      }
      if (Date.now() > deadline)
        throw new HttpError(
          `The evaluation ${evaluation.id} is still running after ${options.timeoutSeconds} s; follow it at ${new URL(evaluation.links.web, env.MAESTRO_URL)}`,
        );
      await sleep(pollMs);
      evaluation = await call("GET", `evaluations/${evaluation.id}`);
    }
    process.off("SIGINT", interrupt);
    process.off("SIGTERM", interrupt);
    if (cancelling) {
      await cancelling;
      return 130;
    }
    const summary = {
      evaluationId: evaluation.id,
      status: evaluation.status,
      score: evaluation.score,
      items: evaluation.items,
      passed: evaluation.passed,
      failedItems: evaluation.failedItems.map((item) => ({
        itemId: item.itemId,
        score: item.score,
        ...(item.runError ? { runError: item.runError } : {}),
      })),
      ...(options.minScore === undefined ? {} : { minScore: options.minScore }),
      ...(evaluation.error ? { error: evaluation.error } : {}),
      url: new URL(evaluation.links.web, env.MAESTRO_URL).toString(),
    };
    const score = evaluation.score === null ? "no score" : `score ${evaluation.score}`;
    io.err(
      `${evaluation.status}: ${score}, ${evaluation.passed}/${evaluation.items} items passed${evaluation.error ? `; ${evaluation.error}` : ""}`,
    );
    io.out(JSON.stringify(summary));
    if (evaluation.status !== "completed") return 1;
    if (
      options.minScore !== undefined &&
      (evaluation.score === null || evaluation.score < options.minScore - 1e-9)
    ) {
      io.err(`Below the minimum score ${options.minScore}.`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof HttpError || error instanceof UsageError) {
      io.err(`eval: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`eval: ${error?.stack ?? error}\n`);
      process.exit(2);
    },
  );
}
