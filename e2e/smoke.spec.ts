import { expect, test } from "./fixtures.ts";

// The stack globalSetup started is up: every service answers its health check, and the web apps
// greet a signed-out visitor with the sign-in form.
test("inbox, admin and worker answer /healthz", async ({ request, urls }) => {
  for (const url of [urls.inbox, urls.admin, urls.worker]) {
    const response = await request.get(`${url}/healthz`);
    expect(response.status(), `${url}/healthz`).toBe(200);
  }
  // The worker runs its queue jobs in a child process per role (inbound, delivery, agent), each started once.
  const one = { running: true, starts: 1 };
  expect(await (await request.get(`${urls.worker}/healthz`)).json()).toEqual({ ok: true, jobs: { inbound: one, delivery: one, agent: one } });
});

for (const app of ["admin", "inbox"] as const) {
  test(`${app} shows a signed-out visitor the sign-in form`, async ({ page, urls, shot }) => {
    await page.goto(urls[app]);
    await expect(page.locator('input[type="email"]')).toBeVisible();
    await expect(page.locator('input[type="password"]')).toBeVisible();
    await expect(page.getByRole("heading").first()).toBeVisible();
    await shot(page, `${app}-sign-in`, { docs: true });
  });
}

// Both apps run under their Content-Security-Policy: the page's own scripts, styles, images and
// the live connection work, and the browser reports no violation while a member signs in and works.
test("inbox and admin run under their CSP without a violation", async ({ browser, urls, seed, signIn }) => {
  const manager = await seed.demoAccount("manager");
  const owner = await seed.demoAccount("owner");
  for (const [app, account] of [["inbox", manager], ["admin", owner]] as const) {
    const page = await (await browser.newContext()).newPage();
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to load (CSP ${e.violatedDirective}): ${e.blockedURI}`));
    });
    const response = await page.goto(urls[app]);
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    await signIn(page, urls[app], account.email, account.password);
    await expect(page.getByRole("banner")).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(violations, `${app}: CSP violations`).toEqual([]);
    await page.context().close();
  }
});
