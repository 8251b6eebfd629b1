import { expect, test } from "./fixtures.ts";

// The stack globalSetup started is up: every service answers its health check, and the web apps
// greet a signed-out visitor with the sign-in form.
test("inbox, admin and worker answer /healthz", async ({ request, urls }) => {
  for (const url of [urls.inbox, urls.admin, urls.worker]) {
    const response = await request.get(`${url}/healthz`);
    expect(response.status(), `${url}/healthz`).toBe(200);
  }
  // The worker runs its queue jobs in a child process of its own, started once.
  expect(await (await request.get(`${urls.worker}/healthz`)).json()).toEqual({ ok: true, jobs: { running: true, starts: 1 } });
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
