import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { curlExample, exampleBody, sourcesOfRequest } from "./webhook-examples";

describe("the Webhooks tab's examples", () => {
  it("shape the example body from the mapping's body sources", () => {
    expect(exampleBody({})).toEqual({ name: "Ada" });
    expect(
      exampleBody({ title: "body.issue.title", who: "body.issue.user.login", repo: "query.repo" }),
    ).toEqual({ issue: { title: "<title>", user: { login: "<who>" } } });
  });

  it("sign the curl example's body the way the hook checks it", () => {
    const command = curlExample("http://localhost:3000/api/hooks/abc", {
      method: "POST",
      auth: "hmac-sha256",
      authHeader: "X-Hub-Signature-256",
      mapping: { name: "body.name" },
    });
    expect(command).toContain(`-H "X-Hub-Signature-256: $SIGNATURE"`);
    // Run the example's signing lines in a shell: they give the HMAC the server computes.
    const script = `${command.split("\ncurl")[0]}\nprintf '%s' "$SIGNATURE"`;
    const signature = execFileSync("sh", ["-c", script], {
      env: { ...process.env, WEBHOOK_SECRET: "whsec_x" },
    }).toString();
    expect(signature).toBe(
      `sha256=${createHmac("sha256", "whsec_x").update('{"name":"<name>"}').digest("hex")}`,
    );
  });

  it("send a header secret, the query and mapped headers, and no body on GET", () => {
    const command = curlExample("http://h/api/hooks/abc", {
      method: "GET",
      auth: "header",
      authHeader: "X-Webhook-Secret",
      mapping: { who: "query.who", event: "headers.x-event" },
    });
    expect(command).toBe(
      `curl -X GET 'http://h/api/hooks/abc?who=value' \\\n  -H "X-Webhook-Secret: $WEBHOOK_SECRET" \\\n  -H 'x-event: value'`,
    );
  });

  it("offer the sources a received request has", () => {
    const request = {
      method: "POST",
      body: { issue: { title: "t", "odd key": 1 } },
      query: { repo: "m" },
      headers: { "x-github-event": "issues" },
    };
    expect(sourcesOfRequest(request)).toEqual([
      "body",
      "body.issue",
      "body.issue.title",
      "query.repo",
      "headers.x-github-event",
    ]);
    expect(sourcesOfRequest(null)).toEqual([]);
  });
});
