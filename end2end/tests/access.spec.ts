// The server is what refuses: a tenant outside the person's rights, by URL or by calling a
// server function directly, answers 403 and says nothing about that tenant.
import { expect, test } from "@playwright/test";
import { callServerFn, signIn } from "./support";

test("a helpdesk agent calling a tenant-admin server function gets 403", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme");

  const settings = await callServerFn(page, "tenant/settings", { tenant: "acme" });
  expect(settings.status()).toBe(403);
  const body = await settings.text();
  expect(body).not.toContain("eventsExpiration");
  expect(body).not.toContain("adminEventsEnabled");

  // What the role does allow still works, so the 403 is the policy's and not a broken call.
  const overview = await callServerFn(page, "tenant/overview", { tenant: "acme" });
  expect(overview.status()).toBe(200);
});

test("another tenant, by URL or by server function, is refused without disclosure", async ({ page }) => {
  await signIn(page, "gina.globex", "/t/globex");

  const byUrl = await page.goto("/t/acme");
  expect(byUrl?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Access denied" })).toBeVisible();
  await expect(page.getByText("Your roles here")).toHaveCount(0);

  const overview = await callServerFn(page, "tenant/overview", { tenant: "acme" });
  expect(overview.status()).toBe(403);
  // A tenant that does not exist is refused the same way, so the answer does not reveal which
  // tenants exist.
  const missing = await callServerFn(page, "tenant/overview", { tenant: "no-such-tenant" });
  expect(missing.status()).toBe(403);
  expect(await missing.text()).toEqual(await overview.text());

  const section = await page.goto("/t/acme/users");
  expect(section?.status()).toBe(403);
});

test("a tenant admin's own server functions answer", async ({ page }) => {
  await signIn(page, "alice.admin", "/t/acme");

  const settings = await callServerFn(page, "tenant/settings", { tenant: "acme" });
  expect(settings.status()).toBe(200);
  expect(await settings.json()).toHaveProperty("events_enabled");
});

test("an unknown page answers 404 with a way back", async ({ page }) => {
  await signIn(page, "aude.auditor", "/");

  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to your tenants" })).toBeVisible();
});
