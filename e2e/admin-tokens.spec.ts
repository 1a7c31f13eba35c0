import { expect, test } from "@playwright/test";
import { OWNER, signIn } from "./helpers";

test("an owner creates an API token, starts a run with it over REST, follows it to the end, then revokes it", async ({
  page,
  request,
}) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(page, OWNER, "/admin/tokens");
  await expect(page.getByRole("heading", { name: "API tokens", exact: true })).toBeVisible();

  // Create: the token is shown once, with a copy button.
  const name = `CI ${Date.now().toString(36)}`;
  await page.getByRole("button", { name: "Create token" }).click();
  const form = page.getByRole("dialog", { name: "Create an API token" });
  await form.getByLabel("Name").fill(name);
  await expect(form.getByRole("checkbox", { name: /runs:write/ })).toBeChecked();
  await expect(form.getByRole("checkbox", { name: /runs:read/ })).toBeChecked();
  await form.getByLabel("Expires").selectOption({ label: "In 7 days" });
  await form.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByRole("dialog", { name: "Copy your new token" });
  await expect(shown.getByText("You will not see it again")).toBeVisible();
  await shown.getByRole("button", { name: "Copy token" }).click();
  await expect(shown.getByRole("button", { name: "Copy token" })).toContainText("Copied");
  const token = await page.evaluate(() => navigator.clipboard.readText());
  expect(token).toMatch(/^mst_[A-Za-z0-9_-]{43}$/);
  await expect(shown.getByLabel("New API token")).toHaveValue(token);
  await shown.getByRole("button", { name: "Done" }).click();

  const row = page.getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(token.slice(0, 10));
  await expect(row).toContainText("active");
  await expect(page.getByText(token)).toHaveCount(0); // the list never shows the secret

  // Use it, from a request context without the browser's session cookie.
  const auth = { Authorization: `Bearer ${token}` };
  const listed = await request.get("/api/trpc/workflow.list", {
    headers: auth,
    params: { input: JSON.stringify({ json: { search: "Welcome a new teammate" } }) },
  });
  expect(listed.status()).toBe(200);
  const workflowId = (
    (await listed.json()) as { result: { data: { json: { items: { id: string }[] } } } }
  ).result.data.json.items[0]!.id;

  const invalid = await request.post("/api/v1/runs", { headers: auth, data: { input: {} } });
  expect(invalid.status()).toBe(400);
  expect(await invalid.json()).toMatchObject({
    error: { code: "BAD_REQUEST", fieldErrors: { workflowId: [expect.any(String)] } },
  });

  const started = await request.post("/api/v1/runs", {
    headers: auth,
    data: { workflowId, input: { name: "Ada" } },
  });
  expect(started.status()).toBe(202);
  const run = (await started.json()) as {
    id: string;
    status: string;
    links: { self: string; web: string };
  };
  expect(run).toMatchObject({
    status: "queued",
    links: { self: `/api/v1/runs/${run.id}`, web: `/runs/${run.id}` },
  });

  await expect
    .poll(
      async () =>
        (
          (await (await request.get(run.links.self, { headers: auth })).json()) as {
            status: string;
          }
        ).status,
    )
    .toBe("completed");
  const finished = await (await request.get(run.links.self, { headers: auth })).json();
  expect(finished).toMatchObject({
    id: run.id,
    status: "completed",
    workflow: { id: workflowId, name: "Welcome a new teammate" },
    output: { welcome: { subject: "Welcome, Ada!" } },
    error: null,
    tokens: { input: 0, output: 0 },
    costUsd: 0,
  });
  expect((finished as { steps: { status: string }[] }).steps.map((s) => s.status)).toEqual([
    "completed",
    "completed",
    "completed",
  ]);

  const missing = await request.get("/api/v1/runs/00000000-0000-4000-8000-000000000000", {
    headers: auth,
  });
  expect(missing.status()).toBe(404);
  expect(await missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  expect((await request.get(run.links.self)).status()).toBe(401);

  // Revoke it in the UI: the next call is refused.
  await page.reload();
  await expect(row).not.toContainText("Never"); // expires in 7 days, and was just used
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const confirm = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await confirm.getByRole("button", { name: "Revoke token" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("revoked");
  await expect(row.getByRole("button", { name: `Revoke ${name}` })).toHaveCount(0);

  const refused = await request.get(run.links.self, { headers: auth });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({
    error: { code: "UNAUTHORIZED", message: expect.stringContaining("was revoked") },
  });
  const refusedTrpc = await request.get("/api/trpc/session.me", { headers: auth });
  expect(refusedTrpc.status()).toBe(401);
});
