import { expect, test } from "@playwright/test";
import { OWNER, signIn, SUPERADMIN } from "./helpers";

test("the owner invites a member by link; they create an account, join, get a new role, and the audit log shows it", async ({
  page,
  browser,
}) => {
  await signIn(page, OWNER, "/admin/members");
  await expect(page.getByRole("table", { name: "Members" })).toContainText(OWNER.email);

  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Role").selectOption("viewer");
  await dialog.getByLabel("Expires after").selectOption("1");
  await dialog.getByRole("button", { name: "Create link" }).click();
  const link = await dialog.getByLabel("Invitation link").inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(
    "Anyone with the link",
  );

  // Someone without an account opens the link in their own browser.
  const invitee = {
    name: `Ivy Invitee ${Date.now()}`,
    email: `ivy-${Date.now()}@demo.test`,
    password: "ivy-has-a-long-password",
  };
  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  await guestPage.goto(link);
  await expect(guestPage.getByRole("heading", { name: "Join Demo" })).toBeVisible();
  await expect(guestPage.getByText("as viewer")).toBeVisible();
  await guestPage.getByLabel("Name").fill(invitee.name);
  await guestPage.getByLabel("E-mail").fill(invitee.email);
  await guestPage.getByLabel("Password").fill("too short");
  await guestPage.getByRole("button", { name: "Create account and join" }).click();
  await expect(
    guestPage.getByRole("alert").filter({ hasText: "At least 12 characters" }),
  ).toBeVisible();
  await guestPage.getByLabel("Password").fill(invitee.password);
  await guestPage.getByRole("button", { name: "Create account and join" }).click();
  await expect(guestPage.getByRole("navigation", { name: "Main", exact: true })).toBeVisible();
  await expect(guestPage.getByTestId("current-tenant")).toContainText("Demo");
  await expect(guestPage.getByTestId("current-tenant")).toContainText("viewer");

  // The link is used up.
  const another = await browser.newContext();
  const anotherPage = await another.newPage();
  await anotherPage.goto(link);
  await expect(
    anotherPage.getByRole("heading", { name: "This invitation has been used" }),
  ).toBeVisible();
  await another.close();

  // The owner sees the new member and makes them an editor.
  await page.reload();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);
  await expect(page.getByText("No pending invitations")).toBeVisible();
  const role = page.getByLabel(`Role of ${invitee.name}`);
  await expect(role).toHaveValue("viewer");
  await role.selectOption("editor");
  await expect(page.getByText(`${invitee.name} is now editor`)).toBeVisible();
  // The owner cannot change their own role.
  await expect(page.getByLabel(`Role of ${OWNER.name}`)).toBeDisabled();

  await guestPage.reload();
  await expect(guestPage.getByTestId("current-tenant")).toContainText("editor");
  await guest.close();

  await page.getByRole("link", { name: "Audit log" }).click();
  const rowsAbout = (action: string) =>
    page.getByRole("row").filter({ hasText: action }).filter({ hasText: invitee.email });
  await expect(rowsAbout("member.role_change").first()).toBeVisible();
  await expect(rowsAbout("invitation.accept").first()).toBeVisible();
});

test("a platform admin creates, suspends and deletes a tenant (typing its name)", async ({
  page,
}) => {
  await signIn(page, SUPERADMIN, "/admin/tenants");
  const name = `E2E Tenant ${Date.now()}`;
  await page.getByRole("button", { name: "New tenant" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  await expect(dialog.getByLabel("Slug")).toHaveValue(/^e2e-tenant-\d+$/);
  await dialog.getByRole("button", { name: "Create tenant" }).click();

  const table = page.getByRole("table", { name: "Tenants" });
  const row = table.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Active");
  await expect(table.getByRole("row").filter({ hasText: "Demo" }).first()).toBeVisible();

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Suspend" }).click();
  await expect(row).toContainText("Suspended");

  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Delete…" }).click();
  const confirm = page.getByRole("dialog");
  const deleteButton = confirm.getByRole("button", { name: "Delete tenant" });
  await confirm.getByLabel("Tenant name").fill("not the name");
  await expect(deleteButton).toBeDisabled();
  await confirm.getByLabel("Tenant name").fill(name);
  await deleteButton.click();
  await expect(page.getByText(`Deleted ${name} and all its data`)).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: name })).toHaveCount(0);
});
