import type { Metric, Registry, RegistryContentType } from "prom-client";

/**
 * A call counter (by server, tool and outcome) and a duration histogram (by server and tool) kept
 * as plain numbers per series, for metrics on a hot path: the MCP pool's every tool call.
 * prom-client's Counter and Histogram find a label set's values by building a string from the
 * label values and looking it up, and check every label name, on each inc and observe; on a cheap
 * tool call (about 60 µs of this process's CPU over stdio) the pair cost several µs, the largest
 * part of the pool's own work. Here a call finds its series with two Map lookups, and the
 * Prometheus form (the names, types, labels, cumulative buckets, `_sum` and `_count` that
 * prom-client's own metrics print) is built only when the registry is scraped.
 */

type Series = {
  server: string;
  tool: string;
  outcomes: Map<string, number>;
  /** Observations per bucket (not cumulative); the last one is past every bound (+Inf). */
  buckets: number[];
  sum: number;
  count: number;
};

type Sample = {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
};

/** What prom-client's registry reads of a metric: its name and type, `get()` and `reset()`. */
export type ScrapedMetric = {
  name: string;
  readonly help: string;
  readonly type: "counter" | "histogram";
  readonly aggregator: "sum";
  get(): Promise<{
    name: string;
    help: string;
    type: "counter" | "histogram";
    aggregator: "sum";
    values: Sample[];
  }>;
  reset(): void;
};

export class CallSeries {
  private readonly byServer = new Map<string, Map<string, Series>>();
  private readonly bounds: number[];
  readonly calls: ScrapedMetric;
  readonly duration: ScrapedMetric;

  constructor(options: {
    calls: { name: string; help: string };
    duration: { name: string; help: string; buckets: number[] };
  }) {
    this.bounds = [...options.duration.buckets].sort((a, b) => a - b);
    this.calls = this.scraped(
      options.calls,
      "counter",
      () => this.callSamples(),
      () => {
        for (const series of this.allSeries()) series.outcomes.clear();
      },
    );
    const durationName = options.duration.name;
    this.duration = this.scraped(
      options.duration,
      "histogram",
      () => this.durationSamples(durationName),
      () => {
        for (const series of this.allSeries()) {
          series.buckets.fill(0);
          series.sum = 0;
          series.count = 0;
        }
      },
    );
  }

  /** Counts one call and its duration. */
  observe(server: string, tool: string, outcome: string, seconds: number): void {
    const series = this.seriesOf(server, tool);
    series.outcomes.set(outcome, (series.outcomes.get(outcome) ?? 0) + 1);
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && seconds > bounds[bucket]!) bucket++;
    series.buckets[bucket] = (series.buckets[bucket] ?? 0) + 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** Adds both metrics to `registry`, beside prom-client's own. */
  registerIn(registry: Registry<RegistryContentType>): void {
    // The registry reads only `name`, `get()` and `reset()` (and `type` for OpenMetrics names);
    // its type names prom-client's four classes, so ours is cast to it.
    registry.registerMetric(this.calls as unknown as Metric);
    registry.registerMetric(this.duration as unknown as Metric);
  }

  private seriesOf(server: string, tool: string): Series {
    let tools = this.byServer.get(server);
    if (!tools) {
      tools = new Map();
      this.byServer.set(server, tools);
    }
    let series = tools.get(tool);
    if (!series) {
      series = {
        server,
        tool,
        outcomes: new Map(),
        buckets: new Array<number>(this.bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      tools.set(tool, series);
    }
    return series;
  }

  private *allSeries(): Iterable<Series> {
    for (const tools of this.byServer.values()) yield* tools.values();
  }

  private callSamples(): Sample[] {
    const samples: Sample[] = [];
    for (const { server, tool, outcomes } of this.allSeries())
      for (const [outcome, value] of outcomes)
        samples.push({ labels: { server, tool, outcome }, value });
    return samples;
  }

  private durationSamples(name: string): Sample[] {
    const samples: Sample[] = [];
    for (const { server, tool, buckets, sum, count } of this.allSeries()) {
      if (count === 0) continue;
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += buckets[i] ?? 0;
        samples.push({
          labels: { le: bound, server, tool },
          value: cumulative,
          metricName: `${name}_bucket`,
        });
      });
      samples.push({
        labels: { le: "+Inf", server, tool },
        value: count,
        metricName: `${name}_bucket`,
      });
      samples.push({ labels: { server, tool }, value: sum, metricName: `${name}_sum` });
      samples.push({ labels: { server, tool }, value: count, metricName: `${name}_count` });
    }
    return samples;
  }

  private scraped(
    about: { name: string; help: string },
    type: "counter" | "histogram",
    samples: () => Sample[],
    reset: () => void,
  ): ScrapedMetric {
    const metric: ScrapedMetric = {
      name: about.name,
      help: about.help,
      type,
      aggregator: "sum",
      // The registry renames a counter in OpenMetrics form (without `_total`): read the name then.
      get: () =>
        Promise.resolve({
          name: metric.name,
          help: metric.help,
          type,
          aggregator: "sum",
          values: samples(),
        }),
      reset,
    };
    return metric;
  }
}
