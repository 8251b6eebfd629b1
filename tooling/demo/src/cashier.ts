import { sql } from "drizzle-orm";
import { conversations, withTenant, type Db } from "@threadline/db";
import { loadMember } from "@threadline/domain/access/index.ts";
import { createBill, type BillDeps } from "@threadline/domain/payments/service.ts";

const ORDERS = [
  { description: "Торт «Наполеон», 1,5 кг", amount: 250_000 },
  { description: "Набор пирожных, 12 шт.", amount: 180_000 },
  { description: "Кофе в зёрнах, 1 кг", amount: 120_000 },
];

/**
 * The demo's manager at the till: in each demo project, bills (through the same service as
 * «Выставить счёт») up to `perProject` conversations whose client has written at least twice and
 * has no payment yet. The bill's link goes into the chat through the outbound queue; the demo
 * payer then pays most of them, so the traffic report shows revenue on the first start.
 */
export async function billScriptedClients(options: {
  db: Db;
  projects: { id: string; ownerUserId: string }[];
  deps: BillDeps;
  enqueueOutbound: (job: { projectId: string; messageId: number }) => Promise<unknown>;
  perProject?: number;
}): Promise<number> {
  let billed = 0;
  for (const project of options.projects) {
    const member = await loadMember(options.db, project.ownerUserId, project.id);
    const candidates = await withTenant(options.db, project.id, async (tx) => {
      const rows = await tx.execute<{ id: string; billed: number }>(sql`
        select c.id, (select count(*)::int from payments p where p.project_id = ${project.id} and p.provider <> 'manual') as billed
        from ${conversations} c
        where c.project_id = ${project.id} and c.stage not in ('won', 'lost', 'spam', 'low_quality')
          and not exists (select 1 from payments p where p.conversation_id = c.id)
          and (select count(*) from messages m where m.conversation_id = c.id and m.direction = 'in') >= 2
        order by c.created_at limit ${options.perProject ?? 3}`);
      const already = rows[0]?.billed ?? 0;
      return rows.slice(0, Math.max(0, (options.perProject ?? 3) - already)).map((r) => r.id);
    });
    for (const [i, conversationId] of candidates.entries()) {
      const order = ORDERS[i % ORDERS.length]!;
      const bill = await createBill((fn) => withTenant(options.db, project.id, fn), member, options.deps, { conversationId, ...order });
      await options.enqueueOutbound({ projectId: project.id, messageId: bill.messageId });
      billed++;
    }
  }
  return billed;
}
