import { describe, expect, it } from "vitest";
import { discoverAuthorization } from "./oauth";

/** Answers the two metadata documents of discovery for `issuer`, with the endpoints it is given. */
function metadataFetch(issuer: string, endpoints: Record<string, string>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.pathname.startsWith("/.well-known/oauth-protected-resource"))
      return Response.json({
        resource: "https://mcp.example/mcp",
        authorization_servers: [issuer],
      });
    if (url.pathname.startsWith("/.well-known/oauth-authorization-server"))
      return Response.json({
        issuer,
        response_types_supported: ["code"],
        code_challenge_methods_supported: ["S256"],
        ...endpoints,
      });
    return new Response("not found", { status: 404 });
  }) as typeof fetch;
}

describe("OAuth discovery (fake fetch answering metadata documents)", () => {
  it("refuses an authorization server whose endpoints are plain http on another host", async () => {
    const fetchFn = metadataFetch("https://auth.example", {
      authorization_endpoint: "https://auth.example/authorize",
      token_endpoint: "http://auth.example/token",
    });
    await expect(discoverAuthorization("https://mcp.example/mcp", { fetchFn })).rejects.toThrow(
      /token_endpoint http:\/\/auth\.example\/token is not https/,
    );
  });

  it("takes https endpoints", async () => {
    const fetchFn = metadataFetch("https://auth.example", {
      authorization_endpoint: "https://auth.example/authorize",
      token_endpoint: "https://auth.example/token",
    });
    const discovery = await discoverAuthorization("https://mcp.example/mcp", { fetchFn });
    expect(discovery.issuer).toBe("https://auth.example");
  });
});
