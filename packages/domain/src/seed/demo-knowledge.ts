// What each demo business knows: the agent's facts and FAQ, and the managers' saved replies, so
// that the demo's agent answers its own clients' first questions from the business's knowledge.
import { eq, sql } from "drizzle-orm";
import { agentSettings, replyTemplates, type AgentScriptOverrides, type Tx } from "@threadline/db";

type Knowledge = { script: AgentScriptOverrides; templates: { title: string; text: string }[] };

export const DEMO_KNOWLEDGE: Record<string, Knowledge> = {
  zerno: {
    script: {
      facts: {
        hours: "ежедневно с 8:00 до 22:00, в выходные с 9:00",
        address: "Казань, ул. Баумана, 12 — вход со двора",
        delivery: "Доставляем по центру Казани: 150 ₽, от 1000 ₽ бесплатно",
        payment: "картой, наличными или по СБП",
      },
      faq: [
        { q: ["Когда приедет курьер?", "Как быстро привезёте?"], a: "Курьер привезёт заказ за 40–60 минут после оформления." },
        { q: ["Есть альтернативное молоко?", "Можно на овсяном молоке?"], a: "Да, есть овсяное, миндальное и кокосовое молоко, +40 ₽ к напитку." },
        { q: ["Можно заказать торт?", "Делаете торты на заказ?"], a: "Да, торты на заказ делаем за 2 дня, от 1800 ₽ за килограмм." },
        { q: ["Сколько стоит капучино?", "Какие цены на кофе?"], a: "Капучино 0,3 л — 220 ₽, 0,4 л — 260 ₽; американо от 170 ₽." },
      ],
    },
    templates: [
      { title: "Часы работы", text: "Мы работаем ежедневно с 8:00 до 22:00, в выходные — с 9:00." },
      { title: "Доставка", text: "Доставка по центру — 150 ₽, от 1000 ₽ бесплатно. Курьер будет через 40–60 минут." },
      { title: "Торт на заказ", text: "Торт на заказ делаем за 2 дня, от 1800 ₽ за кг. Какой вкус и к какой дате?" },
    ],
  },
  ulybka: {
    script: {
      facts: {
        hours: "пн–пт с 9:00 до 21:00, сб с 10:00 до 18:00, вс — выходной",
        address: "Казань, ул. Пушкина, 5, 2 этаж",
        payment: "картой, наличными; есть рассрочка на лечение от 30 000 ₽",
        parking: "бесплатная парковка у входа",
      },
      faq: [
        { q: ["Сколько стоит чистка зубов?", "Цена профессиональной гигиены?"], a: "Профессиональная гигиена — 4500 ₽, вместе с Air Flow и фторированием." },
        { q: ["Можно записаться на консультацию?", "Как попасть к стоматологу?"], a: "Первичная консультация — 800 ₽, бесплатно при лечении. Запишем на удобное время." },
        { q: ["Больно ли лечить зуб?", "Делаете анестезию?"], a: "Лечим под современной анестезией — большинство пациентов ничего не чувствуют." },
        { q: ["Сколько стоит имплант?", "Цена имплантации?"], a: "Имплант под ключ — от 45 000 ₽, точную цену врач назовёт после снимка." },
      ],
    },
    templates: [
      { title: "Запись", text: "Записали вас. Пожалуйста, приходите за 10 минут до приёма, возьмите паспорт." },
      { title: "Адрес", text: "Мы на ул. Пушкина, 5, 2 этаж. Парковка у входа бесплатная." },
      { title: "Гигиена", text: "Профессиональная гигиена — 4500 ₽, около часа. Когда вам удобно прийти?" },
    ],
  },
};

/** Puts a demo business's knowledge in place, unless the project already has its own. */
export async function seedDemoKnowledge(tx: Tx, projectId: string, slug: string): Promise<void> {
  const knowledge = DEMO_KNOWLEDGE[slug];
  if (!knowledge) return;
  await tx
    .insert(agentSettings)
    .values({ projectId, script: knowledge.script })
    .onConflictDoUpdate({ target: agentSettings.projectId, set: { script: knowledge.script }, setWhere: sql`${agentSettings.script} = '{}'::jsonb` });
  const [template] = await tx.select({ id: replyTemplates.id }).from(replyTemplates).where(eq(replyTemplates.projectId, projectId)).limit(1);
  if (!template) await tx.insert(replyTemplates).values(knowledge.templates.map((t) => ({ projectId, ...t })));
}
