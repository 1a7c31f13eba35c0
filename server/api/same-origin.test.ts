import { describe, expect, it } from "vitest";
import { isCrossSiteRequest } from "./same-origin";

const APP = "https://maestro.example.com";

function post(headers: Record<string, string>, method = "POST") {
  return new Request(`${APP}/api/trpc/workflow.create`, { method, headers });
}

describe("isCrossSiteRequest (CSRF: cookie changes must come from the app's own pages)", () => {
  it("lets through the app's own origin, by NEXTAUTH_URL or by the host the request was sent to", () => {
    expect(isCrossSiteRequest(post({ origin: APP }), APP)).toBe(false);
    expect(
      isCrossSiteRequest(
        post({ origin: "http://localhost:3100", host: "localhost:3100" }),
        undefined,
      ),
    ).toBe(false);
    expect(
      isCrossSiteRequest(
        post({ origin: APP, host: "10.0.0.5:3000", "x-forwarded-host": "maestro.example.com" }),
        undefined,
      ),
    ).toBe(false);
    expect(
      isCrossSiteRequest(
        post({ referer: `${APP}/workflows/1`, host: "maestro.example.com" }),
        undefined,
      ),
    ).toBe(false);
  });

  it("refuses another site, a look-alike host, an opaque origin, and a change that names neither Origin nor Referer", () => {
    expect(
      isCrossSiteRequest(
        post({ origin: "https://evil.example", host: "maestro.example.com" }),
        APP,
      ),
    ).toBe(true);
    expect(
      isCrossSiteRequest(
        post({ origin: "https://maestro.example.com.evil.example", host: "maestro.example.com" }),
        APP,
      ),
    ).toBe(true);
    expect(isCrossSiteRequest(post({ origin: "null", host: "maestro.example.com" }), APP)).toBe(
      true,
    );
    expect(
      isCrossSiteRequest(
        post({ referer: "https://evil.example/x", host: "maestro.example.com" }),
        APP,
      ),
    ).toBe(true);
    expect(isCrossSiteRequest(post({ host: "maestro.example.com" }), APP)).toBe(true);
    for (const method of ["PUT", "PATCH", "DELETE"])
      expect(isCrossSiteRequest(post({ origin: "https://evil.example" }, method), APP)).toBe(true);
  });

  it("does not apply to reads or to requests with an API token", () => {
    expect(
      isCrossSiteRequest(
        new Request(`${APP}/api/trpc/workflow.list`, {
          headers: { origin: "https://evil.example" },
        }),
        APP,
      ),
    ).toBe(false);
    expect(
      isCrossSiteRequest(
        post({ origin: "https://evil.example", authorization: "Bearer mst_x" }),
        APP,
      ),
    ).toBe(false);
  });
});
