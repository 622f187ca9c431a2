// What every browser test does: sign in through Keycloak's own page, and read what the
// console shows.
import { expect, type Page } from "@playwright/test";

/** Where the console under test answers (Keycloak answers elsewhere). */
export const CONSOLE_ORIGIN = new URL(process.env.CTC_E2E_BASE_URL ?? "http://127.0.0.1:3000").origin;

/** Every demo account's password (see the README). */
export const DEMO_PASSWORD = "demo";

/** The links of the section navigation, in the order the console lists them. */
export const SECTIONS = ["Overview", "Users", "Requests", "Reports", "Backups", "Health", "Audit"];

/**
 * Opens `path` signed out, follows the console to Keycloak's sign-in form, signs in as
 * `username` and waits until the console shows a page again.
 */
export async function signIn(page: Page, username: string, path = "/"): Promise<void> {
  await page.goto(path);
  await expect(page).toHaveURL(/\/realms\/console\/protocol\/openid-connect\/auth/);
  await page.locator("#username").fill(username);
  await page.locator("#password").fill(DEMO_PASSWORD);
  await page.locator("#kc-login").click();
  await page.waitForURL((url) => url.origin === CONSOLE_ORIGIN && !url.pathname.startsWith("/auth/"));
  await hydrated(page);
}

/** Waits until the WASM has hydrated the page, so that its controls answer. */
export async function hydrated(page: Page): Promise<void> {
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
}

/** Opens `path` and waits for hydration. */
export async function open(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await hydrated(page);
}

/** The names of the tenants on the home page, sorted. */
export async function homeTenants(page: Page): Promise<string[]> {
  const cards = page.locator("main ul li a");
  await expect(cards.first()).toBeVisible();
  return (await cards.allTextContents()).map((t) => t.trim()).sort();
}

/** The labels of the section links that the wide layout shows. */
export async function sectionLinks(page: Page): Promise<string[]> {
  const nav = page.getByRole("navigation", { name: "Sections" });
  const links = nav.locator("ul.md\\:block a");
  await expect(links.first()).toBeVisible();
  // A section may carry a count, such as "Requests(2)": the label is what comes before it.
  return (await links.allTextContents()).map((t) => t.trim().replace(/\(\d+\)$/, "").trim());
}

/** Calls a server function the way the front end does, with the page's session cookie. */
export async function callServerFn(page: Page, endpoint: string, form: Record<string, string>) {
  const origin = new URL(page.url()).origin;
  return page.request.post(`/api/${endpoint}`, {
    form,
    headers: { Origin: origin },
    maxRedirects: 0,
  });
}
