import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateSeries } from "@/engine/anomaly/generate-series";
import { detectAnomalies } from "@/engine/anomaly/detect-anomalies";
import { detectLine, runDetect } from "./anomaly";

const series = generateSeries({ seed: 12, family: "spikes", kind: "latency", length: 400 });
const goodLine = JSON.stringify({ id: "api-p95", kind: series.kind, points: series.points });

describe("anomaly detect", () => {
  it("writes the flagged timestamps of each series, as the app's detectors find them", () => {
    const outcome = detectLine(goodLine, 1);
    const expected = detectAnomalies(series.points, { kind: "latency" }).anomalies.map((a) => a.at);
    expect(expected.length).toBeGreaterThan(0);
    expect(outcome).toEqual({ output: JSON.stringify({ id: "api-p95", anomalies: expected }) });
  });

  it("reports bad lines by number and goes on with the good ones", async () => {
    const out: string[] = [];
    const errors: string[] = [];
    const lines = [
      goodLine,
      "",
      "{not json",
      JSON.stringify({ id: "x", kind: "temperature", points: [] }),
      JSON.stringify({ id: "y", kind: "count", points: [[1, "2"]] }),
      JSON.stringify({ id: "z", kind: "count", points: [[1, 2]] }),
    ];
    const failures = await runDetect(
      lines,
      (line) => out.push(line),
      (line) => errors.push(line),
    );
    expect(failures).toBe(3);
    expect(out.map((line) => JSON.parse(line).id)).toEqual(["api-p95", "z"]);
    expect(errors[0]).toMatch(/^line 3: not valid JSON/);
    expect(errors[1]).toMatch(/^line 4: kind: /);
    expect(errors[2]).toMatch(/^line 5: points\.0\.1: /);
  });

  it("runs as a command: streams stdin to stdout, exit 1 after a bad line, 2 on an unknown command", () => {
    const tsx = path.resolve("node_modules/.bin/tsx");
    const detect = spawnSync(tsx, ["scripts/anomaly.ts", "detect"], {
      input: `${goodLine}\nnope\n`,
      encoding: "utf8",
    });
    expect(detect.status).toBe(1);
    expect(JSON.parse(detect.stdout.trim()).id).toBe("api-p95");
    expect(detect.stderr).toMatch(/line 2: not valid JSON/);
    const unknown = spawnSync(tsx, ["scripts/anomaly.ts", "frobnicate"], { encoding: "utf8" });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /Unknown command "frobnicate"[\s\S]*Usage: npm run -s anomaly -- detect/,
    );
  }, 30_000);
});
