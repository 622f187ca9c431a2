// Each demo account signs in through Keycloak's own page and sees exactly its tenants and, in
// each tenant, exactly the sections its role gives it.
import { expect, test } from "@playwright/test";
import { SECTIONS, homeTenants, sectionLinks, signIn } from "./support";

const OWNER = SECTIONS;
const HELPDESK = ["Overview", "Users", "Requests"];
const AUDITOR = ["Overview", "Users", "Reports", "Audit"];

const ACCOUNTS: { username: string; name: string; tenants: Record<string, string[]>; roles: string }[] = [
  { username: "alice.admin", name: "Alice", tenants: { acme: OWNER }, roles: "Tenant admin" },
  { username: "hugo.helpdesk", name: "Hugo", tenants: { acme: HELPDESK }, roles: "Helpdesk" },
  { username: "aude.auditor", name: "Aude", tenants: { acme: AUDITOR, globex: AUDITOR }, roles: "Auditor" },
  { username: "gina.globex", name: "Gina", tenants: { globex: OWNER }, roles: "Tenant admin" },
  { username: "pat.platform", name: "Pat", tenants: { acme: OWNER, globex: OWNER }, roles: "Platform admin" },
];

for (const account of ACCOUNTS) {
  test(`${account.username} sees exactly their tenants and sections`, async ({ page }) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });

    await signIn(page, account.username);
    await page.goto("/");

    await expect(page.getByRole("heading", { level: 1, name: "Your tenants" })).toBeVisible();
    await expect(page.locator('summary[aria-label^="Account of"]')).toContainText(account.name);
    expect(await homeTenants(page)).toEqual(Object.keys(account.tenants).sort());

    for (const [tenant, sections] of Object.entries(account.tenants)) {
      await page.goto(`/t/${tenant}`);
      await expect(page.getByRole("heading", { level: 1, name: `Tenant ${tenant}` })).toBeVisible();
      await expect(page.getByText(`Your roles here: ${account.roles}`)).toBeVisible();
      expect(await sectionLinks(page)).toEqual(sections);
    }
    expect(errors, "the browser reported no error (hydration included)").toEqual([]);
  });
}

test("the account without a console role is refused politely", async ({ page }) => {
  await signIn(page, "nora.norole");

  await expect(page).toHaveURL(/\/signin\?reason=no_access/);
  await expect(page.getByRole("alert")).toContainText("Your account has no access to CloudTrust Console");
  await expect(page.getByRole("navigation", { name: "Sections" })).toHaveCount(0);

  // Her Keycloak session was ended as well: asking for the console again shows the sign-in form.
  await page.goto("/");
  await expect(page.locator("#username")).toBeVisible();
});

test("a deep link survives the trip through Keycloak", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/users");

  await expect(page).toHaveURL(/\/t\/acme\/users$/);
  await expect(page.locator("nav[aria-label=Sections] ul.md\\:block a[aria-current=page]")).toHaveText("Users");
});
