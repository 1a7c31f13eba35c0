import { expect, test } from "@playwright/test";

test("/api/health answers 200 with the database status and the version", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({
    status: "ok",
    version: expect.any(String),
    database: { status: "up", kind: "pglite" },
  });
});

test("/api/metrics answers Prometheus text with HTTP request counts and durations, tRPC calls by procedure and MCP figures", async ({
  request,
}) => {
  await request.get("/api/health");
  await request.get("/api/trpc/session.me");
  const response = await request.get("/api/metrics");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  const text = await response.text();
  expect(text).toMatch(
    /^http_requests_total\{method="GET",route="\/api\/health",status="200"\} \d+$/m,
  );
  expect(text).toMatch(
    /^http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/api\/health",status="200"\} \d+$/m,
  );
  expect(text).toContain("process_cpu_user_seconds_total");
  // tRPC calls by procedure, not one /api/trpc label; MCP figures are there before any call.
  expect(text).toMatch(
    /^maestro_trpc_calls_total\{procedure="session\.me",type="query",code="UNAUTHORIZED"\} \d+$/m,
  );
  expect(text).toContain("# TYPE maestro_mcp_calls_total counter");
  expect(text).toMatch(/^maestro_mcp_connections_open \d+$/m);
});

test("tRPC refuses a signed-out caller with UNAUTHORIZED instead of redirecting", async ({
  request,
}) => {
  const response = await request.get("/api/trpc/session.me");
  expect(response.status()).toBe(401);
  expect(JSON.stringify(await response.json())).toContain("UNAUTHORIZED");
});
