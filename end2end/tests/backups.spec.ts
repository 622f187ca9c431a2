// Backups as a tenant admin takes them: the page says which key seals them and what losing it
// means, "Back up now" shows the backup's progress until it is complete, and its details list
// what it holds and what Keycloak does not give out.
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./support";

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

// A restore as a tenant admin runs one: the dry run comes first and says what will be created,
// the restore runs exactly that, and its check says the new realm matches the backup. The
// realm is deleted after, through Keycloak's Admin API.
test("a tenant admin restores a backup into a new realm after a dry run", async ({ page, request }) => {
  test.setTimeout(240_000);
  await signIn(page, "alice.admin", "/t/acme/backups");
  await hydrated(page);
  if ((await page.getByTestId("restore-dry-run").count()) === 0) {
    await page.getByTestId("backup-now").click();
    await expect(page.getByTestId("backup").first()).toHaveAttribute("data-state", "complete", {
      timeout: 120_000,
    });
  }
  const realm = `acme-e2e-${Date.now().toString(36)}`;
  try {
    await page.getByTestId("restore-realm").fill(realm);
    await expect(page.getByTestId("restore-start")).toHaveCount(0);
    await page.getByTestId("restore-dry-run").click();
    const plan = page.getByTestId("restore-plan");
    await expect(plan).toContainText(`What restoring into ${realm} will do`, { timeout: 60_000 });
    await expect(plan).toContainText(/users: \d{3} created/);
    await page.getByTestId("restore-start").click();
    const restore = page.getByTestId("restore").first();
    await expect(restore).toContainText(`into ${realm}`);
    await expect(restore).toHaveAttribute("data-state", "done", { timeout: 180_000 });
    await expect(restore.getByTestId("restore-check")).toHaveText(
      "The realm now matches the backup.",
    );
  } finally {
    const token = await request.post(
      "http://127.0.0.1:8180/realms/master/protocol/openid-connect/token",
      {
        form: {
          grant_type: "client_credentials",
          client_id: "cloudtrust-console-service",
          client_secret: "demo-service-secret",
        },
      },
    );
    const { access_token } = await token.json();
    await request.delete(`http://127.0.0.1:8180/admin/realms/${realm}`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
  }
});
