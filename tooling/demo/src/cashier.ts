import { sql } from "drizzle-orm";
import { conversations, withTenant, type Db } from "@threadline/db";
import { loadMember } from "@threadline/domain/access/index.ts";
import { createBill, type BillDeps } from "@threadline/domain/payments/service.ts";

type DemoBill = { description: string; amount: number };

/**
 * What each demo business bills for, at the prices its agent quotes (the demo knowledge): a coffee
 * shop sells cakes and beans, a dental clinic its services. A project the demo does not know gets
 * no bills rather than another business's goods.
 */
export const DEMO_BILLS: Record<string, DemoBill[]> = {
  zerno: [
    { description: "Торт на заказ, 1,5 кг", amount: 270_000 },
    { description: "Кофе в зёрнах, 1 кг", amount: 120_000 },
    { description: "Торт на заказ, 2 кг", amount: 360_000 },
  ],
  ulybka: [
    { description: "Профессиональная гигиена", amount: 450_000 },
    { description: "Первичная консультация", amount: 80_000 },
  ],
};

/**
 * The demo's manager at the till: in each demo project, bills (through the same service as
 * «Выставить счёт») up to `perProject` conversations whose client has left a phone — the agent
 * has handed the lead over by then, so the bill never cuts its first answers short — and has no
 * payment yet. The bill's link goes into the chat through the outbound queue; the demo payer then
 * pays most of them, so the traffic report shows revenue on the first start.
 */
export async function billScriptedClients(options: {
  db: Db;
  projects: { id: string; slug: string; ownerUserId: string }[];
  deps: BillDeps;
  enqueueOutbound: (job: { projectId: string; messageId: number }) => Promise<unknown>;
  perProject?: number;
}): Promise<number> {
  let billed = 0;
  const limit = options.perProject ?? 3;
  for (const project of options.projects) {
    const goods = DEMO_BILLS[project.slug];
    if (!goods?.length) continue;
    const member = await loadMember(options.db, project.ownerUserId, project.id);
    const candidates = await withTenant(options.db, project.id, async (tx) => {
      const rows = await tx.execute<{ id: string; billed: number }>(sql`
        select c.id, (select count(*)::int from payments p where p.project_id = ${project.id} and p.provider <> 'manual') as billed
        from ${conversations} c
        where c.project_id = ${project.id} and c.stage not in ('bot', 'won', 'lost', 'spam', 'low_quality')
          and exists (select 1 from contacts k where k.id = c.contact_id and k.phone is not null)
          and not exists (select 1 from payments p where p.conversation_id = c.id)
        order by c.created_at limit ${limit}`);
      const already = rows[0]?.billed ?? 0;
      return rows.slice(0, Math.max(0, limit - already)).map((r) => r.id);
    });
    for (const [i, conversationId] of candidates.entries()) {
      const bill = goods[i % goods.length]!;
      const created = await createBill((fn) => withTenant(options.db, project.id, fn), member, options.deps, { conversationId, ...bill });
      await options.enqueueOutbound({ projectId: project.id, messageId: created.messageId });
      billed++;
    }
  }
  return billed;
}
