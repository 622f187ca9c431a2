// Helpdesk provisioning as people do it: find a user, create one with a temporary password that
// the new user must change at first sign-in, offboard and delete as a tenant admin, and an
// auditor who is offered nothing that writes.
import { expect, test, type Page } from "@playwright/test";
import { hydrated, open, signIn } from "./support";

const KEYCLOAK = process.env.CTC_E2E_KEYCLOAK_URL ?? "http://127.0.0.1:8180";

/** A name no other run used, so the tests can run twice against the same Keycloak. */
function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** Creates a user through the console's form and returns the generated temporary password. */
async function createUser(page: Page, username: string, last: string): Promise<string> {
  await open(page, "/t/acme/users/new");
  await expect(page.getByRole("heading", { level: 1, name: "New user" })).toBeVisible();
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Email", { exact: true }).fill(`${username}+e2e@example.org`);
  await page.getByLabel("First name", { exact: true }).fill("Zoé");
  await page.getByLabel("Last name", { exact: true }).fill(last);
  await page.getByLabel("A temporary password (typed below, or generated)").check();
  await page.getByRole("button", { name: "Create the user" }).click();

  const status = page.getByRole("status");
  await expect(status).toContainText(`${username} is created.`);
  await expect(status).toContainText("Create the user");
  return (await status.locator("code").textContent())!.trim();
}

test("a helpdesk agent finds a user by prefix and opens their page", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/users");
  const firstUser = (await page.locator("tbody tr td a").first().textContent())!.trim();

  await page.getByLabel("Search", { exact: true }).fill(firstUser.slice(0, 4));
  await page.getByRole("button", { name: "Search" }).click();

  await expect(page).toHaveURL(new RegExp(`q=${firstUser.slice(0, 4)}`));
  await expect(page.getByText(/^Users 1 to \d+ of \d+$/)).toBeVisible();
  await page.getByRole("link", { name: firstUser, exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: firstUser })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete the user" })).toHaveCount(0);
});

test("a user created with a temporary password must change it at first sign-in", async ({ page, browser }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/users");
  const username = unique("e2e.new");

  const password = await createUser(page, username, "Søndergaard");

  expect(password.length).toBeGreaterThanOrEqual(16);
  const fresh = await browser.newContext();
  const userPage = await fresh.newPage();
  await userPage.goto(`${KEYCLOAK}/realms/acme/account`);
  await userPage.locator("#username").fill(username);
  await userPage.locator("#password").fill(password);
  await userPage.locator("#kc-login").click();
  await expect(userPage.locator("#password-new")).toBeVisible();
  await expect(userPage.getByText(/update password/i).first()).toBeVisible();
  await fresh.close();
});

test("a tenant admin offboards a leaver and then deletes them", async ({ page }) => {
  await signIn(page, "alice.admin", "/t/acme/users");
  const username = unique("e2e.leaver");
  await createUser(page, username, "Leaver");
  await page.getByRole("link", { name: "Open the user" }).click();
  await expect(page.getByRole("heading", { level: 1, name: username })).toBeVisible();
  await hydrated(page);

  await page.locator("#client-picker").fill("crm");
  await page.getByRole("button", { name: "crm", exact: true }).click();
  await page.getByRole("button", { name: "Grant user", exact: true }).click();
  await expect(page.getByRole("status")).toContainText("Saved.");
  await expect(page.getByText("crm: user").first()).toBeVisible();

  await page.getByLabel("I confirm this person is leaving").check();
  await page.getByRole("button", { name: "Offboard the user" }).click();

  await expect(page.getByRole("status")).toContainText("Disable the account: done");
  await expect(page.getByRole("status")).toContainText("End every session: done");
  await expect(page.getByRole("status")).toContainText("Take back the roles user of crm: done");
  await expect(page.getByText("Disabled", { exact: true }).first()).toBeVisible();

  await page.getByLabel("Type the username to confirm").fill(username);
  await page.getByRole("button", { name: "Delete the user" }).click();
  await expect(page).toHaveURL(/\/t\/acme\/users$/);
  await page.getByLabel("Search", { exact: true }).fill(`"${username}"`);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No user matches this search.")).toBeVisible();
});

test("an auditor sees users but no control that writes", async ({ page }) => {
  await signIn(page, "aude.auditor", "/t/acme/users");
  await expect(page.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(page.getByRole("link", { name: "New user" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Export CSV" })).toBeVisible();

  await page.locator("tbody tr td a").first().click();

  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  for (const name of ["Save the profile", "Disable", "Enable", "Reset the password", "Offboard the user", "Delete the user", "Remove", "Grant"]) {
    await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
  }
  await expect(page.getByRole("heading", { name: "Credentials, sessions and consents" })).toHaveCount(0);
});

test("a helpdesk agent calling the delete server function directly is refused", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/users");
  const origin = new URL(page.url()).origin;

  const response = await page.request.post("/api/users/delete", {
    form: { tenant: "acme", id: "00000000-0000-0000-0000-000000000000", confirm_username: "x" },
    headers: { Origin: origin },
    maxRedirects: 0,
  });

  expect(response.status()).toBe(403);
});

test("the new-user form shows only the fields of the first sign-in chosen", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/users/new");
  const password = page.getByLabel("Temporary password (leave empty to have one generated)");
  const lifespan = page.getByLabel("Link valid for (hours)");
  await expect(password).toBeVisible();
  await expect(lifespan).toBeHidden();

  await page.getByLabel("An email with the actions below").check();

  await expect(lifespan).toBeVisible();
  await expect(password).toBeHidden();
});
