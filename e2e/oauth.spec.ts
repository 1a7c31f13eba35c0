import { expect, test } from "@playwright/test";
import { startOAuthServers, type RunningOAuthServers } from "@/server/mcp/testing/oauth-servers";
import { OWNER, signIn, trpc } from "./helpers";

/**
 * A remote MCP server behind OAuth (a local authorization server and protected MCP server on
 * loopback, server/mcp/testing/oauth-servers.ts): the owner adds it, presses Connect, signs in on
 * the authorization server's page, comes back connected, and runs a tool with the sign-in.
 */

let servers: RunningOAuthServers;

test.beforeAll(async () => {
  servers = await startOAuthServers({ cimd: true, dcr: true });
});
test.afterAll(async () => {
  await servers?.stop();
});

test("an owner connects a remote server that needs OAuth and calls its tools", async ({ page }) => {
  test.slow();
  await signIn(page, OWNER, "/marketplace/installed");
  // Added through the JSON config path, as a Cursor-style `{ "url": … }` entry.
  const name = `oauth-${Date.now().toString(36)}`;
  const imported = await trpc<{ imported: { id: string }[] }>(
    page,
    "mcp.importEntries",
    {
      kind: "mcp-servers",
      text: JSON.stringify({ mcpServers: { [name]: { url: servers.mcpUrl } } }),
    },
    "mutation",
  );
  const installed = await trpc<{ id: string }>(
    page,
    "mcp.install",
    { catalogEntryId: imported.imported[0]!.id, name, values: {} },
    "mutation",
  );

  await page.goto(`/marketplace/installed/${installed.id}`);
  const signInSection = page.getByRole("region", { name: "Sign-in (OAuth)" });
  await expect(signInSection.getByTestId("oauth-state")).toHaveText("Sign-in needed");
  await signInSection.getByRole("button", { name: "Connect" }).click();

  // The authorization server's own page.
  await expect(page.getByRole("heading", { name: "Test authorization server" })).toBeVisible();
  await page.getByRole("button", { name: "Sign in and allow" }).click();

  await expect(page).toHaveURL(
    new RegExp(`/marketplace/installed/${installed.id}\\?oauth=connected`),
  );
  await expect(signInSection.getByTestId("oauth-state")).toHaveText("Connected");
  await expect(signInSection.getByRole("status")).toHaveText("Signed in. The server is connected.");
  await expect(signInSection).toContainText(servers.issuer);
  // Our client ID metadata document was used, not a registration.
  expect(servers.log.registrations).toBe(0);
  expect(servers.log.metadataDocumentFetches[0]).toMatch(/\/api\/mcp-oauth\/client$/);

  // The tool runner's calls, made as the signed-in page makes them (the runner's UI is its own
  // spec's): the server answers with the tenant's sign-in.
  const listed = await trpc<{ tools: { name: string }[] }>(
    page,
    "mcp.listTools",
    { id: installed.id },
    "query",
  );
  expect(listed.tools.map((t) => t.name).sort()).toEqual(["echo", "whoami"]);
  const answer = await trpc<{ isError: boolean; content: { text?: string }[] }>(
    page,
    "mcp.runTool",
    { id: installed.id, tool: "whoami", args: {} },
    "mutation",
  );
  expect(answer.isError).toBe(false);
  expect(answer.content[0]?.text).toContain("signed in as demo-user");

  // The page never holds a token.
  const html = await page.content();
  for (const token of servers.issuedTokens()) expect(html).not.toContain(token);
});
