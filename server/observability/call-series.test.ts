import { Counter, Histogram, Registry, type RegistryContentType } from "prom-client";
import { describe, expect, it } from "vitest";
import { CallSeries } from "./call-series";

const calls = { name: "test_calls_total", help: "Calls" };
const duration = { name: "test_call_duration_seconds", help: "Call durations" };
const buckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120];

/** The same observations through prom-client's own Counter and Histogram, and through CallSeries. */
function bothRegistries(contentType: RegistryContentType = Registry.PROMETHEUS_CONTENT_TYPE) {
  const reference = new Registry<RegistryContentType>();
  reference.setContentType(contentType);
  const counter = new Counter({
    ...calls,
    labelNames: ["server", "tool", "outcome"],
    registers: [reference],
  });
  const histogram = new Histogram({
    ...duration,
    labelNames: ["server", "tool"],
    buckets,
    registers: [reference],
  });
  const ours = new Registry<RegistryContentType>();
  ours.setContentType(contentType);
  const series = new CallSeries({ calls, duration: { ...duration, buckets } });
  series.registerIn(ours);
  const observe = (server: string, tool: string, outcome: string, seconds: number) => {
    counter.inc({ server, tool, outcome });
    histogram.observe({ server, tool }, seconds);
    series.observe(server, tool, outcome, seconds);
  };
  return { reference, ours, observe, series };
}

/** A scrape's lines with each line's labels in one order (prom-client prints `le` first or last). */
const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((line) => {
      const match = /^([^{ ]+)\{(.*)\} (.*)$/.exec(line);
      if (!match) return line;
      const labels = match[2]!.match(/[a-z_]+="(?:[^"\\]|\\.)*"/g)!.sort();
      return `${match[1]}{${labels.join(",")}} ${match[3]}`;
    })
    .sort();

describe("call series for Prometheus", () => {
  it("prints what prom-client's Counter and Histogram print for the same calls", async () => {
    const { reference, ours, observe } = bothRegistries();
    observe("everything", "echo", "ok", 0.0004);
    observe("everything", "echo", "ok", 0.005); // on a bound: counted in that bucket (le)
    observe("everything", "echo", "timeout", 60);
    observe("everything", "add", "tool_error", 0.02);
    observe('a "quoted" \\ server\nwith a newline', "echo", "ok", 250); // past every bound
    const expected = lines(await reference.metrics());
    expect(lines(await ours.metrics())).toEqual(expected);
    expect(expected).toContain(
      'test_call_duration_seconds_bucket{le="0.005",server="everything",tool="echo"} 2',
    );
    expect(expected).toContain(
      'test_calls_total{outcome="timeout",server="everything",tool="echo"} 1',
    );
  });

  it("prints the same in OpenMetrics form, where the registry names counters itself", async () => {
    const { reference, ours, observe } = bothRegistries(Registry.OPENMETRICS_CONTENT_TYPE);
    observe("everything", "echo", "ok", 0.02);
    const text = await ours.metrics();
    expect(lines(text)).toEqual(lines(await reference.metrics()));
    expect(text).toMatch(/^# TYPE test_calls counter$/m);
    expect(text).toMatch(/^test_calls_total\{.*outcome="ok".*\} 1$/m);
  });

  it("starts again from nothing after a reset, as prom-client's metrics do", async () => {
    const { reference, ours, observe } = bothRegistries();
    observe("s", "t", "ok", 0.2);
    reference.resetMetrics();
    ours.resetMetrics();
    expect(lines(await ours.metrics())).toEqual(lines(await reference.metrics()));
    observe("s", "t", "cancelled", 0.003);
    const text = await ours.metrics();
    expect(lines(text)).toEqual(lines(await reference.metrics()));
    expect(text).toMatch(/^test_call_duration_seconds_count\{.*\} 1$/m);
    expect(text).not.toContain('outcome="ok"');
  });
});
