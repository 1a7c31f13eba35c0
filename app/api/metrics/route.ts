import { getMetrics } from "@/server/observability/metrics";

export const dynamic = "force-dynamic";

/** Prometheus scrape endpoint (text exposition format). */
export async function GET() {
  const { registry } = getMetrics();
  return new Response(await registry.metrics(), {
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
