// The shell works by keyboard alone, at phone width, and finds tenants by name.
import { expect, test } from "@playwright/test";
import { signIn } from "./support";

test("the first Tab offers to skip to the content", async ({ page }) => {
  await signIn(page, "alice.admin", "/t/acme");

  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

test("the tenant switcher is reachable and usable by keyboard", async ({ page }) => {
  await signIn(page, "aude.auditor", "/t/acme");

  const switcher = page.locator("summary", { hasText: "Tenant:" });
  await switcher.focus();
  await page.keyboard.press("Enter");
  const search = page.getByLabel("Find a tenant");
  await expect(search).toBeVisible();
  await search.fill("glob");
  const found = page.locator("details[open] ul a");
  await expect(found).toHaveText(["globex"]);
  await found.first().focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/t\/globex$/);
  await expect(page.getByRole("heading", { level: 1, name: "Tenant globex" })).toBeVisible();
});

test("a search that matches no tenant of the person's says so", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme");

  await page.locator("summary", { hasText: "Tenant:" }).click();
  // globex exists, but hugo holds only acme: the search does not reveal it.
  await page.getByLabel("Find a tenant").fill("globex");
  await expect(page.getByText("No tenant matches.")).toBeVisible();
});

test.describe("at phone width", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the sections fold into a menu that opens", async ({ page }) => {
    await signIn(page, "hugo.helpdesk", "/t/acme");

    const nav = page.getByRole("navigation", { name: "Sections" });
    await expect(nav.locator("ul.md\\:block")).toBeHidden();
    await nav.getByText("Menu").click();
    await expect(nav.locator("details ul a")).toHaveText(["Overview", "Users", "Requests"]);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width, "nothing scrolls sideways").toBeLessThanOrEqual(390);
  });
});
