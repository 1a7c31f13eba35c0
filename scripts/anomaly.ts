/**
 * `npm run -s anomaly -- detect`: reads JSON lines from standard input, one series per line,
 *   {"id": "...", "kind": "latency" | "error_rate" | "cost" | "count", "points": [[unixMs, value], ...]}
 * (optionally "sensitivity": "low" | "medium" | "high" or 0..1), and writes one line per series,
 *   {"id": "...", "anomalies": [unixMs, ...]}
 * the timestamps of the points flagged by the same detectors and defaults as the app
 * (engine/anomaly detectAnomalies). Lines are handled as they arrive. A bad line is reported on
 * standard error with its line number and skipped; the exit code is then 1, after every line.
 */
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { detectAnomalies } from "../engine/anomaly/detect-anomalies";
import { metricSeriesSchema } from "../engine/anomaly/types";

const USAGE = `Usage: npm run -s anomaly -- detect < series.jsonl

  detect   read JSON lines {"id", "kind", "points": [[unixMs, value], ...]} from standard input and
           write one line {"id", "anomalies": [unixMs, ...]} per series
`;

const lineSchema = metricSeriesSchema.extend({ id: z.string().min(1) });

export type LineOutcome = { output: string } | { error: string } | null;

/**
 * Handles one input line: the output line, an error naming the line, or null for a blank line.
 * @example detectLine('{"id":"a","kind":"count","points":[]}', 1) // { output: '{"id":"a","anomalies":[]}' }
 */
export function detectLine(line: string, lineNumber: number): LineOutcome {
  if (line.trim() === "") return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return {
      error: `line ${lineNumber}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join(".") : "line"}: ${issue.message}`,
    );
    return {
      error: `line ${lineNumber}: ${problems.slice(0, 3).join("; ")}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ""}`,
    };
  }
  const { id, kind, points, sensitivity } = parsed.data;
  const report = detectAnomalies(points, { kind, sensitivity });
  return { output: JSON.stringify({ id, anomalies: report.anomalies.map((a) => a.at) }) };
}

/**
 * Runs `detect` over lines as they come, writing each result at once; returns how many lines failed.
 * @example await runDetect(['{"id":"a","kind":"count","points":[]}'], console.log, console.error) // 0
 */
export async function runDetect(
  lines: AsyncIterable<string> | Iterable<string>,
  write: (line: string) => void,
  writeError: (line: string) => void,
): Promise<number> {
  let lineNumber = 0;
  let failures = 0;
  for await (const line of lines) {
    lineNumber++;
    const outcome = detectLine(line, lineNumber);
    if (!outcome) continue;
    if ("error" in outcome) {
      failures++;
      writeError(outcome.error);
    } else {
      write(outcome.output);
    }
  }
  return failures;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "detect" || rest.length > 0) {
    process.stderr.write(
      command && command !== "detect" ? `Unknown command "${command}".\n${USAGE}` : USAGE,
    );
    return 2;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const failures = await runDetect(
    lines,
    (line) => process.stdout.write(`${line}\n`),
    (line) => process.stderr.write(`${line}\n`),
  );
  if (failures) process.stderr.write(`${failures} line(s) could not be read.\n`);
  return failures ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(
        `anomaly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
