import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fieldErrorsOfProblems } from "@/server/api/rest-errors";
import {
  headersWithoutSecrets,
  isAuthentic,
  mapHookInput,
  MAPPING_SOURCE,
  multiMapOf,
  parseHookBody,
  signBody,
  type HookRequest,
} from "./webhooks-request";
import { webhookConfigInput } from "./webhooks";

const bytes = (text: string) => new TextEncoder().encode(text);
const request = (overrides: Partial<HookRequest> = {}): HookRequest => ({
  method: "POST",
  body: { issue: { title: "Broken build", labels: ["bug", "ci"] }, action: "opened" },
  query: { repo: "maestro", tag: ["a", "b"] },
  headers: { "x-github-event": "issues", "content-type": "application/json" },
  ...overrides,
});

describe("mapping a request to a run's input", () => {
  it("passes the whole body when there is no mapping, and {} for an empty body", () => {
    expect(mapHookInput({}, request())).toEqual(request().body);
    expect(mapHookInput({}, request({ body: undefined }))).toEqual({});
  });

  it("takes each field from the body (nested, list items), the query or a header", () => {
    const input = mapHookInput(
      {
        title: "body.issue.title",
        firstLabel: "body.issue.labels.0",
        all: "body",
        repo: "query.repo",
        tags: "query.tag",
        event: "headers.X-GitHub-Event",
      },
      request(),
    );
    expect(input).toEqual({
      title: "Broken build",
      firstLabel: "bug",
      all: request().body,
      repo: "maestro",
      tags: ["a", "b"],
      event: "issues",
    });
  });

  it("leaves out fields whose source is missing, so the input schema reports them as required", () => {
    expect(
      mapHookInput({ title: "body.pull_request.title", repo: "query.repo" }, request()),
    ).toEqual({ repo: "maestro" });
    expect(mapHookInput({ title: "body.issue.title.deeper" }, request())).toEqual({});
  });

  it("reads only what the request holds, never Object's own internals", () => {
    const form = multiMapOf([
      ["__proto__", "x"],
      ["__proto__", "y"],
      ["a", "1"],
    ]);
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
    expect(Object.keys(form)).toEqual(["__proto__", "a"]);
    expect(
      mapHookInput(
        { ctor: "body.constructor", proto: "body.__proto__", q: "query.toString" },
        request({ query: form }),
      ),
    ).toEqual({});
    // A field named __proto__ is an own field of the input, not its prototype.
    const input = mapHookInput(
      Object.fromEntries([
        ["__proto__", "query.a"],
        ["a", "query.a"],
      ]),
      request({ query: form }),
    ) as object;
    expect(Object.keys(input)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
  });

  it("accepts only the documented sources", () => {
    for (const ok of ["body", "body.a", "body.a.b.0", "query.x", "headers.x-y"])
      expect(MAPPING_SOURCE.test(ok)).toBe(true);
    for (const bad of [
      "",
      "bodies.a",
      "query",
      "query.a.b",
      "headers.x y",
      "cookie.x",
      "body..a",
      "env.SECRET",
    ])
      expect(MAPPING_SOURCE.test(bad)).toBe(false);
  });
});

describe("checking a request's secret or signature", () => {
  const secret = "whsec_test";
  const body = bytes('{"hello":"world"}');
  const hmac = { auth: "hmac-sha256" as const, authHeader: "X-Hub-Signature-256" };

  it("accepts GitHub's X-Hub-Signature-256 over the exact body bytes", () => {
    const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
    expect(signBody(secret, body)).toBe(signature);
    expect(isAuthentic(hmac, secret, new Headers({ "x-hub-signature-256": signature }), body)).toBe(
      true,
    );
    expect(
      isAuthentic(
        hmac,
        secret,
        new Headers({
          "x-hub-signature-256": signature.toUpperCase().replace("SHA256=", "sha256="),
        }),
        body,
      ),
    ).toBe(true);
  });

  it("refuses a signature of other bytes, under another secret, in another form, or missing", () => {
    const signature = signBody(secret, body);
    expect(
      isAuthentic(
        hmac,
        secret,
        new Headers({ "x-hub-signature-256": signature }),
        bytes('{"hello": "world"}'),
      ),
    ).toBe(false);
    expect(
      isAuthentic(
        hmac,
        secret,
        new Headers({ "x-hub-signature-256": signBody("other", body) }),
        body,
      ),
    ).toBe(false);
    expect(
      isAuthentic(
        hmac,
        secret,
        new Headers({ "x-hub-signature-256": signature.slice("sha256=".length) }),
        body,
      ),
    ).toBe(false);
    expect(isAuthentic(hmac, secret, new Headers(), body)).toBe(false);
    expect(isAuthentic(hmac, null, new Headers({ "x-hub-signature-256": signature }), body)).toBe(
      false,
    );
  });

  it("compares a header secret as given or as a Bearer value, in any header case", () => {
    const header = { auth: "header" as const, authHeader: "X-Webhook-Secret" };
    expect(isAuthentic(header, secret, new Headers({ "x-webhook-secret": secret }), body)).toBe(
      true,
    );
    expect(
      isAuthentic(header, secret, new Headers({ "X-Webhook-Secret": `Bearer ${secret}` }), body),
    ).toBe(true);
    expect(
      isAuthentic(header, secret, new Headers({ "x-webhook-secret": `${secret}x` }), body),
    ).toBe(false);
    expect(
      isAuthentic(header, secret, new Headers({ "x-webhook-secret": secret.slice(0, -1) }), body),
    ).toBe(false);
    expect(
      isAuthentic({ auth: "none", authHeader: "X-Hub-Signature-256" }, null, new Headers(), body),
    ).toBe(true);
  });
});

describe("reading a body", () => {
  it("parses JSON, forms (repeated fields as lists) and nothing", () => {
    expect(parseHookBody('{"a":1}', "application/json")).toEqual({ ok: true, value: { a: 1 } });
    expect(
      parseHookBody("a=1&b=x+y&a=2", "application/x-www-form-urlencoded; charset=utf-8"),
    ).toEqual({ ok: true, value: { a: ["1", "2"], b: "x y" } });
    expect(parseHookBody("  ", null)).toEqual({ ok: true, value: undefined });
    expect(parseHookBody("not json", "text/plain")).toMatchObject({ ok: false });
    expect(
      multiMapOf([
        ["k", "1"],
        ["k", "2"],
        ["k", "3"],
      ]),
    ).toEqual({ k: ["1", "2", "3"] });
  });
});

describe("what a test request keeps", () => {
  it("drops the hook's own secret header and anything that carries credentials", () => {
    const headers = new Headers({
      "x-hub-signature-256": "sha256=abc",
      authorization: "Bearer x",
      cookie: "session=1",
      "x-api-key": "k",
      "x-shopify-hmac-sha256": "h",
      "x-my-secret": "s",
      "x-github-event": "push",
      "content-type": "application/json",
    });
    expect(headersWithoutSecrets(headers, "X-Hub-Signature-256")).toEqual({
      "x-github-event": "push",
      "content-type": "application/json",
    });
    expect(
      headersWithoutSecrets(
        new Headers({ "x-custom-auth-thing": "v", "x-shared": "s" }),
        "X-Shared",
      ),
    ).toEqual({});
  });
});

describe("a hook's settings", () => {
  it("fill the defaults (a signed POST answered at once) and GitHub's signature header", () => {
    expect(webhookConfigInput.parse({})).toEqual({
      method: "POST",
      auth: "hmac-sha256",
      authHeader: "X-Hub-Signature-256",
      version: "latest",
      response: "async",
      timeoutSeconds: 30,
      mapping: {},
    });
    expect(webhookConfigInput.parse({ auth: "header" }).authHeader).toBe("X-Webhook-Secret");
  });

  it("refuse a timeout over 300 s, unknown sources and mapping the secret into the input", () => {
    expect(webhookConfigInput.safeParse({ timeoutSeconds: 301 }).success).toBe(false);
    expect(webhookConfigInput.safeParse({ mapping: { title: "body.issue.title" } }).success).toBe(
      true,
    );
    expect(webhookConfigInput.safeParse({ mapping: { title: "env.HOME" } }).success).toBe(false);
    expect(webhookConfigInput.safeParse({ mapping: { "1x": "body" } }).success).toBe(false);
    expect(
      webhookConfigInput.safeParse({ mapping: { sig: "headers.x-hub-signature-256" } }).success,
    ).toBe(false);
    expect(
      webhookConfigInput.safeParse({
        auth: "header",
        authHeader: "X-Token",
        mapping: { t: "headers.x-token" },
      }).success,
    ).toBe(false);
    expect(webhookConfigInput.safeParse({ mapping: { c: "headers.cookie" } }).success).toBe(false);
    expect(webhookConfigInput.safeParse({ authHeader: "X Bad" }).success).toBe(false);
  });
});

describe("REST error helpers", () => {
  it("group the run input's problems by field", () => {
    expect(
      fieldErrorsOfProblems([
        "input.name: is required",
        "input.name: expected string, got number",
        "input.items[0]: must be ≥ 1",
        "input: expected object, got null",
      ]),
    ).toEqual({
      name: ["is required", "expected string, got number"],
      "items[0]": ["must be ≥ 1"],
      input: ["expected object, got null"],
    });
  });
});
