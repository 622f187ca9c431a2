// The health page as a tenant admin reads it: every check on the board with its state in words,
// and the charts drawn from Prometheus with real sign-ins to acme (made here through Keycloak's
// token endpoint, so the chart never depends on what ran before), each with its numbers as CSV.
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./support";

const KEYCLOAK = process.env.CTC_E2E_KEYCLOAK_URL ?? "http://127.0.0.1:8180";

test("a tenant admin sees the board and acme's sign-ins charted from Prometheus", async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  for (let i = 0; i < 3; i++) {
    const answer = await request.post(`${KEYCLOAK}/realms/acme/protocol/openid-connect/token`, {
      form: { grant_type: "password", client_id: "wiki", username: "valentin.vasquez", password: "demo" },
    });
    expect(answer.status(), await answer.text()).toBe(200);
  }

  await signIn(page, "alice.admin", "/t/acme/health?preset=1h");
  await expect(page.getByRole("heading", { name: "Health", level: 1 })).toBeVisible();
  const board = page.getByTestId("health-checks");
  const ready = board.locator('[data-check="keycloak.ready"] [data-testid="health-state"]');
  await expect(ready).toHaveAttribute("data-state", "up");
  await expect(ready).toHaveText("✓ up");
  await expect(board.locator('[data-check="tenant.acme.realm"]')).toContainText("the realm answers");

  // Prometheus scrapes every 15 s: the sign-ins are charted once it has.
  const signIns = page.locator('[data-chart="sign-ins"]');
  await expect(async () => {
    await page.reload();
    await hydrated(page);
    await expect(signIns.locator("svg[role=img]")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 90_000, intervals: [5_000] });
  await expect(signIns).toContainText("wiki");
  await expect(signIns.locator("svg title")).toHaveText("Sign-ins per client");
  await expect(page.locator('[data-chart="jvm-memory"] svg[role=img]')).toBeVisible();

  const download = page.waitForEvent("download");
  await signIns.getByRole("link", { name: "Download the numbers (CSV)" }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray();
  const csv = Buffer.concat(text as Buffer[]).toString("utf8");
  expect(csv.split("\n")[0]).toBe("time,series,value");
  expect(csv).toContain(",wiki,");
});

test("a helpdesk agent is not shown the health of a tenant", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/health");
  await expect(page.getByRole("alert").filter({ hasText: "You do not have access" })).toBeVisible();
  await expect(page.getByTestId("health-checks")).toHaveCount(0);
});
