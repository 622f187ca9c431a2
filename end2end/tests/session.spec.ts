// Signing out ends the console session and the Keycloak session; the browser's back button
// shows no private page afterwards; a tampered callback creates no session.
import { expect, test } from "@playwright/test";
import { CONSOLE_ORIGIN, signIn } from "./support";

test("sign-out ends the session, and going back shows no private page", async ({ page, context }) => {
  await signIn(page, "gina.globex", "/t/globex");
  await expect(page.getByRole("heading", { level: 1, name: "Tenant globex" })).toBeVisible();

  await page.locator('summary[aria-label^="Account of"]').click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin\?reason=signed_out/);
  await expect(page.getByRole("status")).toHaveText("You have signed out.");

  await page.goBack();
  await expect(page.getByRole("heading", { name: "Tenant globex" })).toHaveCount(0);
  await expect(page.locator("#username")).toBeVisible();

  // The old cookie opens nothing either: the server forgot the session.
  const cookies = await context.cookies(CONSOLE_ORIGIN);
  expect(cookies.filter((c) => c.name === "ctc_session")).toEqual([]);
  const rights = await page.request.post("/api/rights", { headers: { Origin: CONSOLE_ORIGIN } });
  expect(rights.status()).toBe(401);
});

test("a stolen session cookie is dead once its owner signs out", async ({ page, context, browser }) => {
  await signIn(page, "aude.auditor", "/t/acme");
  const session = (await context.cookies(CONSOLE_ORIGIN)).find((c) => c.name === "ctc_session");
  expect(session, "the console set its session cookie").toBeDefined();
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");

  await page.locator('summary[aria-label^="Account of"]').click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/reason=signed_out/);

  const thief = await browser.newContext();
  await thief.addCookies([{ ...session!, expires: -1 }]);
  const replay = await thief.request.post(`${CONSOLE_ORIGIN}/api/rights`, { headers: { Origin: CONSOLE_ORIGIN } });
  expect(replay.status()).toBe(401);
  await thief.close();
});

test("a callback with a forged state is refused and signs nobody in", async ({ page, context }) => {
  await page.goto("/auth/callback?state=forged&code=forged");

  await expect(page).toHaveURL(/\/signin\?reason=refused/);
  await expect(page.getByRole("alert")).toContainText("The sign-in could not be completed");
  const rights = await page.request.post("/api/rights", { headers: { Origin: CONSOLE_ORIGIN } });
  expect(rights.status()).toBe(401);
  expect((await context.cookies(CONSOLE_ORIGIN)).filter((c) => c.name === "ctc_session")).toEqual([]);
});

test("a callback whose code was tampered with is refused", async ({ page }) => {
  // Start a real sign-in; when Keycloak sends the browser back, change the code it carries.
  await page.goto("/auth/login?next=/t/acme");
  await page.locator("#username").fill("alice.admin");
  await page.locator("#password").fill("demo");
  await page.route("**/login-actions/authenticate**", async (route) => {
    const answer = await route.fetch({ maxRedirects: 0 });
    const back = new URL(answer.headers()["location"]);
    expect(back.searchParams.get("code")).toBeTruthy();
    back.searchParams.set("code", `${back.searchParams.get("code")}x`);
    await route.fulfill({ status: 302, headers: { location: back.toString() } });
  });
  await page.locator("#kc-login").click();

  await expect(page).toHaveURL(/\/signin\?reason=refused/);
  const rights = await page.request.post("/api/rights", { headers: { Origin: CONSOLE_ORIGIN } });
  expect(rights.status()).toBe(401);
});
