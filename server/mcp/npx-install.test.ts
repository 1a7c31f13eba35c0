import { describe, expect, it } from "vitest";
import { npmReasonOf } from "./npx-install";

describe("npm's reason", () => {
  it("says a package does not exist in one sentence, naming what was asked", () => {
    const stderr = [
      "npm error code E404",
      "npm error 404 Not Found - GET https://registry.npmjs.org/maestro-no-such-server - Not found",
      "npm error 404",
      "npm error 404  The requested resource 'maestro-no-such-server@1.0.0' could not be found or you do not have permission to access it.",
      "npm error A complete log of this run can be found in: /root/.npm/_logs/x.log",
    ].join("\n");
    expect(npmReasonOf(stderr)).toBe(
      "the registry has no such package (404 Not Found for https://registry.npmjs.org/maestro-no-such-server)",
    );
  });

  it("keeps the first lines of other failures without npm's noise", () => {
    const stderr = [
      "npm error code ECONNREFUSED",
      "npm error syscall connect",
      "npm error errno ECONNREFUSED",
      "npm error FetchError: request to http://127.0.0.1:9/x failed, reason: connect ECONNREFUSED 127.0.0.1:9",
      "npm error     at ClientRequest.<anonymous> (/usr/lib/node_modules/npm/x.js:1:1)",
      "npm error If you are behind a proxy, please make sure that the",
    ].join("\n");
    expect(npmReasonOf(stderr)).toBe(
      "FetchError: request to http://127.0.0.1:9/x failed, reason: connect ECONNREFUSED 127.0.0.1:9",
    );
  });
});
