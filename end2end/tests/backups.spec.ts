// Backups as a tenant admin takes them: the page says which key seals them and what losing it
// means, "Back up now" shows the backup's progress until it is complete, and its details list
// what it holds and what Keycloak does not give out.
import { expect, test } from "@playwright/test";
import { signIn } from "./support";

test("a tenant admin backs acme up and sees what the backup holds", async ({ page }) => {
  await signIn(page, "alice.admin", "/t/acme/backups");
  await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toBeVisible();
  await expect(page.getByTestId("backup-key")).toContainText(/sealed with the key [0-9a-f]{16}/);
  await expect(page.getByText("Losing the key means losing every backup")).toBeVisible();

  const before = await page.getByTestId("backup").count();
  await page.getByTestId("backup-now").click();
  await expect(page.getByTestId("backup")).toHaveCount(before + 1);
  const newest = page.getByTestId("backup").first();
  await expect(newest).toHaveAttribute("data-state", "complete", { timeout: 120_000 });
  await expect(newest).toContainText("started by alice.admin");

  await newest.getByText("What it holds").click();
  await expect(newest).toContainText(/users: \d{3}/);
  await expect(newest).toContainText(/groups: \d+/);
  await expect(newest).toContainText("Passwords and one-time-password secrets");
});

test("a helpdesk agent is not offered backups", async ({ page }) => {
  await signIn(page, "hugo.helpdesk", "/t/acme/backups");
  await expect(page.getByRole("alert").filter({ hasText: "You do not have access" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Backups", level: 1 })).toHaveCount(0);
  await expect(page.getByTestId("backup-now")).toHaveCount(0);
});
