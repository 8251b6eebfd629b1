// What both payment simulators share: the hosted page a client "pays" on and the delivery of
// notifications to the shop's URL, with a log of what was delivered and what it was answered.

export type Delivery = { url: string; body: string; headers: Record<string, string>; status: number | null; error?: string; at: Date };

/** Posts a notification and records the answer; a simulator never retries on its own (tests replay). */
export async function deliver(log: Delivery[], url: string, body: string, headers: Record<string, string>): Promise<Delivery> {
  const entry: Delivery = { url, body, headers, status: null, at: new Date() };
  log.push(entry);
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body, signal: AbortSignal.timeout(10_000) });
    entry.status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    entry.error = (err as Error).message;
  }
  return entry;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The hosted payment page: what is paid for, the amount, «Оплатить» and «Отменить». */
export function paymentPage(input: { brand: string; title: string; amount: string; status: string; payAction: string; cancelAction?: string; returnUrl?: string | null }): string {
  const open = input.status === "open";
  return `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>${escapeHtml(input.brand)} — оплата</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f5f7;display:flex;justify-content:center;padding:48px}main{background:#fff;border-radius:12px;padding:32px;min-width:320px;box-shadow:0 2px 12px #0001}h1{font-size:18px;margin:0 0 8px}.amount{font-size:28px;font-weight:600;margin:16px 0}button{font-size:16px;padding:10px 20px;border-radius:8px;border:0;background:#2b6cff;color:#fff;cursor:pointer}form{display:inline-block;margin-right:8px}.muted{color:#667}</style></head>
<body><main><p class="muted">${escapeHtml(input.brand)} · тестовый платёж</p><h1>${escapeHtml(input.title)}</h1><div class="amount">${escapeHtml(input.amount)}</div>
${
  open
    ? `<form method="post" action="${escapeHtml(input.payAction)}"><button type="submit">Оплатить</button></form>${input.cancelAction ? `<form method="post" action="${escapeHtml(input.cancelAction)}"><button type="submit" style="background:#889">Отменить</button></form>` : ""}`
    : `<p role="status">${escapeHtml(input.status === "paid" ? "Оплата прошла" : input.status === "canceled" ? "Платёж отменён" : input.status)}</p>${input.returnUrl ? `<p><a href="${escapeHtml(input.returnUrl)}">Вернуться в магазин</a></p>` : ""}`
}
</main></body></html>`;
}

/** Form bodies with bracket keys (`a[b][0][c]=1`) as Stripe's clients send them, as nested objects. */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== "");
    let node: Record<string, unknown> = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}
