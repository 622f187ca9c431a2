// Requests as people file and decide them: a helpdesk agent files an onboarding that needs
// approval, a tenant admin approves it and the new user exists with the template's group; a
// bulk import of a file with good and bad rows shows a report for every row.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { callServerFn, open, signIn } from "./support";

/** A name no other run used. */
function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
}

/** A page of its own, signed in as `username` at `path`. */
async function as(browser: Browser, username: string, path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, username, path);
  return page;
}

/** Sets acme's approval rules as the signed-in tenant admin. */
async function setRules(page: Page, rules: Record<string, string>) {
  const form: Record<string, string> = { tenant: "acme" };
  for (const [name, value] of Object.entries(rules)) form[`policy[${name}]`] = value;
  const answer = await callServerFn(page, "workflow/policy-save", form);
  expect(answer.status(), await answer.text()).toBe(200);
}

/** The id of acme's group at `path`, found through the picker's search. */
async function groupId(page: Page, path: string): Promise<string> {
  const answer = await callServerFn(page, "groups/search", { tenant: "acme", search: path.slice(1) });
  const found = (await answer.json()).groups.find((g: { path: string }) => g.path === path);
  expect(found, `the group ${path}`).toBeTruthy();
  return found.id;
}

test.describe.configure({ mode: "serial" });

test("an onboarding filed by the helpdesk waits for the tenant admin, then creates the user with the template's group", async ({ browser }) => {
  const admin = await as(browser, "alice.admin", "/t/acme/requests/settings");
  await setRules(admin, { approve_onboarding: "true" });
  const legal = await groupId(admin, "/Legal");
  const saved = await callServerFn(admin, "templates/save", {
    tenant: "acme",
    "template[name]": "E2E Legal counsel",
    "template[access][]": `group/${legal}`,
  });
  expect(saved.status(), await saved.text()).toBe(200);

  const agent = await as(browser, "hugo.helpdesk", "/t/acme/requests/new");
  const username = unique("e2e.req");
  await agent.getByLabel("Template", { exact: true }).selectOption({ label: "E2E Legal counsel" });
  await expect(agent.getByTestId("template-grants")).toContainText("/Legal");
  await agent.getByLabel("Username", { exact: true }).fill(username);
  await agent.getByLabel("Email", { exact: true }).fill(`${username}@example.org`);
  await agent.getByLabel("First name", { exact: true }).fill("Req");
  await agent.getByLabel("Last name", { exact: true }).fill("Uest");
  // The demo realm sends no email: the user gets the template's actions at first sign-in.
  await agent.locator("#onboard-credential-later").check();
  await agent.locator("#onboard-reason").fill("joins the legal team on Monday");
  await agent.getByRole("button", { name: "File the request" }).click();
  const filed = agent.getByTestId("request-filed");
  await expect(filed).toContainText("Waiting for approval");
  await expect(filed).toContainText("every onboarding request needs approval");

  await open(admin, "/t/acme/requests?inbox=waiting");
  const row = admin.getByTestId("request-row").filter({ hasText: username });
  await expect(row).toHaveCount(1);
  await row.getByRole("link").first().click();
  await admin.getByTestId("approve-button").click();
  await expect(admin.getByTestId("request-state").first()).toHaveAttribute("data-state", "done", {
    timeout: 30_000,
  });

  await open(admin, `/t/acme/users?q=${username}`);
  await admin.getByRole("link", { name: username, exact: true }).click();
  await expect(admin.getByText("/Legal", { exact: true }).first()).toBeVisible();
});

test("a bulk import of good and bad rows reports every row and creates the good ones", async ({ browser }) => {
  const admin = await as(browser, "alice.admin", "/t/acme/requests/settings");
  await setRules(admin, { approve_onboarding: "false" });
  const agent = await as(browser, "hugo.helpdesk", "/t/acme/requests/import");
  const [one, two] = [unique("e2e.imp"), unique("e2e.imp")];
  const csv = [
    "username;email;firstName;lastName",
    `${one};${one}@example.org;Ima;Port`,
    `${two};${two}@example.org;Bulk;Row`,
    `${one};other@example.org;Ima;Again`,
    `bad.row;not-an-email;Bad;Row`,
  ].join("\r\n");

  await agent.getByLabel("CSV file").setInputFiles({
    name: "joiners.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(csv, "utf-8"),
  });
  await agent.getByRole("button", { name: "Upload and preview" }).click();
  await expect(agent).toHaveURL(/\/t\/acme\/requests\/[0-9a-f-]{36}$/);
  await expect(agent.getByTestId("import-facts")).toContainText("joiners.csv");
  await agent.getByTestId("check-import-button").click();
  const report = agent.getByTestId("import-report");
  await expect(report).toBeVisible();
  await expect(agent.getByTestId("import-problem")).toHaveCount(2);
  await expect(agent.getByTestId("import-problem").first()).toContainText("same username as line 2");
  await expect(agent.getByTestId("import-problem").nth(1)).toContainText("not an email");

  await agent.locator("#import-credential-later").check();
  await agent.locator("#import-reason").fill("spring joiners");
  await agent.getByTestId("submit-import-button").click();
  await expect(agent.getByTestId("request-state").first()).toHaveAttribute("data-state", "done", {
    timeout: 30_000,
  });
  await expect(agent.getByTestId("request-progress")).toHaveAttribute("value", "2");
  const rows = await agent.request.get(
    (await agent.getByRole("link", { name: "Download the per-row result (CSV)" }).getAttribute("href"))!,
  );
  const text = await rows.text();
  expect(text.match(/,done,/g)?.length).toBe(2);
  expect(text.match(/,skipped,/g)?.length).toBe(2);
});
