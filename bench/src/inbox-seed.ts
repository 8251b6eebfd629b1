// Bulk load for the inbox-list benchmark: one project with 200,000 conversations and 4,000,000
// messages written straight into Postgres as the superuser (INSERT … SELECT generate_series, no
// per-row round trips, foreign-key triggers off, secondary indexes dropped during the load and
// rebuilt afterwards, then ANALYZE). Deterministic: the same sizes give the same data.
import postgres from "postgres";
import { messagePreviewSql } from "@threadline/domain";

const femaleFirst = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Екатерина", "Татьяна", "Ирина", "Светлана", "Юлия", "Анастасия", "Дарья", "Полина", "Ксения", "Виктория", "Алина", "Марина", "Валентина", "Людмила", "Софья"];
const maleFirst = ["Александр", "Дмитрий", "Максим", "Сергей", "Андрей", "Алексей", "Иван", "Михаил", "Артём", "Никита", "Евгений", "Владимир", "Павел", "Роман", "Олег", "Игорь", "Константин", "Денис", "Кирилл", "Николай"];
// Male forms; the female form adds «а» (Иванов → Иванова).
const surnames = [
  "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
  "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
  "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
  "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
  "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
];
const clientPhrases = [
  "Здравствуйте! Сколько стоит доставка?", "Добрый день, подскажите цену, пожалуйста", "А есть в наличии размер M?", "Можно заказать на завтра?",
  "Спасибо, жду", "Хорошо, договорились", "Когда будет готово?", "Какой у вас адрес?", "Вы работаете в воскресенье?", "Оплата картой возможна?",
  "Можно оформить возврат?", "Перезвоните мне, пожалуйста", "Сколько по времени доставка в Казань?", "Есть скидка для постоянных клиентов?",
  "Пришлите, пожалуйста, фото", "А в другом цвете есть?", "Хочу записаться на консультацию", "Подскажите, как к вам проехать",
  "Заказ пришёл, всё отлично, спасибо!", "Не пришёл заказ, что случилось?", "Можно поменять время доставки?", "Какие есть варианты оплаты?",
  "Сделаете торт к субботе?", "Нужна консультация по гарантии", "Добрый вечер! Букет на 8 марта можно заказать заранее?", "А самовывоз есть?",
  "Сколько стоит установка?", "Пришлите реквизиты для оплаты", "Чек пришлю позже", "Привет, а сегодня успеете привезти?",
  "Товар с браком, хочу обменять", "Подскажите, пожалуйста, сроки изготовления", "Мне нужна доставка в Екатеринбург",
  "Оплатила, проверьте, пожалуйста", "А рассрочка есть?", "Можно счёт на юрлицо?", "Где мой заказ? Трек не обновляется",
  "Спасибо большое, вы лучшие!", "Сколько стоит курс для ребёнка 7 лет?", "Запишите меня на пятницу после 18:00",
];
const managerPhrases = [
  "Здравствуйте! Да, конечно", "Стоимость доставки 300 ₽, бесплатно от 3000 ₽", "Да, есть в наличии", "Оформили заказ, ожидайте звонка курьера",
  "Отправили фото, посмотрите", "Мы работаем ежедневно с 9:00 до 21:00", "Адрес: Казань, ул. Баумана, 12", "Оплатить можно картой или наличными курьеру",
  "Возврат оформим в течение трёх дней", "Передал ваш вопрос старшему менеджеру", "Оставьте, пожалуйста, номер телефона — менеджер перезвонит",
  "Записал вас на пятницу, 18:30", "Трек-номер отправили на почту", "Скидка 10% по промокоду ВЕСНА", "Изготовление занимает 2–3 рабочих дня",
  "Счёт на юрлицо выставим сегодня", "Курьер будет с 12 до 15", "Рассрочка есть на 3 и 6 месяцев", "Уточню на складе и вернусь с ответом",
  "Спасибо за заказ! Хорошего дня",
];
const words = [
  "срочно", "завтра", "сегодня", "вечером", "утром", "букет", "розы", "тюльпаны", "коробка", "подарок", "курьер", "самовывоз", "склад", "цвет",
  "размер", "модель", "гарантия", "чек", "оплата", "перевод", "карта", "наличные", "промокод", "акция", "обмен", "брак", "упаковка",
  "посылка", "трек", "номер", "адрес", "улица", "дом", "квартира", "подъезд", "этаж", "офис", "центр", "Москва", "Казань", "Екатеринбург",
  "Новосибирск", "Самара", "пожалуйста", "спасибо", "хорошо", "отлично", "понятно", "ладно", "конечно", "наверное", "торт", "крем", "ягоды",
  "шоколад", "свадьба", "юбилей", "день рождения", "ребёнок", "мама", "подруга", "коллеги", "праздник", "пятница", "суббота", "воскресенье",
  "понедельник", "неделя", "месяц", "цена", "стоимость", "рублей", "дешевле", "дороже", "качество", "отзыв", "фото", "видео", "консультация",
  "запись", "мастер", "врач", "приём", "занятие", "урок", "курс", "абонемент", "диван", "кресло", "шкаф", "кухня", "замер", "сборка",
  "установка", "ремонт", "запчасть", "шины", "диски", "масло", "фильтр", "диагностика", "кузов", "салон", "кофе", "капучино", "десерт",
];

const sqlArray = (items: readonly string[]) => `array[${items.map((s) => `'${s.replace(/'/g, "''")}'`).join(",")}]::text[]`;

export type SeedIds = { projectId: string; vkChannelId: string; telegramChannelId: string; managerMembershipId: string; otherManagerIds: string[] };
export type SeedSizes = { conversations: number; messages: number; unreadNewest: number };
export type SeedReport = { seconds: Record<string, number>; conversations: number; messages: number; managerVisible: number; managerUnread: number; sizesMb: Record<string, number> };

/**
 * Loads the data into the database at `ownerUrl` (a superuser connection). Calls `log` per step.
 */
export async function bulkLoad(ownerUrl: string, ids: SeedIds, sizes: SeedSizes, log: (line: string) => void): Promise<SeedReport> {
  const main = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const side = postgres(ownerUrl, { max: 1, onnotice: () => {} });
  const seconds: Record<string, number> = {};
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const r = await fn();
    seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
    log(`  ${name}: ${seconds[name]} s`);
    return r;
  };
  try {
    const session = async (sql: postgres.Sql) => {
      // Foreign-key triggers off (the data is consistent by construction), no WAL flush per
      // statement, generous memory for sorts and index builds.
      await sql.unsafe("set session_replication_role = replica");
      await sql.unsafe("set synchronous_commit = off");
      await sql.unsafe("set maintenance_work_mem = '1GB'");
      await sql.unsafe("set work_mem = '256MB'");
      await sql.unsafe("set max_parallel_maintenance_workers = 2");
    };
    await session(main);
    await session(side);
    const C = sizes.conversations;
    const managers = [ids.managerMembershipId, ...ids.otherManagerIds];

    await main.unsafe(`
      create function pg_temp.h(x bigint, s bigint) returns bigint language sql immutable parallel safe
        as $$ select hashint8extended(x, s) & 2147483647 $$;
      create function pg_temp.u(x bigint, s bigint) returns float8 language sql immutable parallel safe
        as $$ select (hashint8extended(x, s) & 2147483647)::float8 / 2147483648.0 $$;
      create function pg_temp.pick(a text[], x bigint, s bigint) returns text language sql immutable parallel safe
        as $$ select a[1 + ((hashint8extended(x, s) & 2147483647) % cardinality(a))::int] $$;
    `);

    // Secondary indexes go during the load and are rebuilt at the end (much faster than
    // maintaining them row by row). Primary keys and constraint indexes stay.
    const dropped = await step("drop secondary indexes", async () => {
      const rows = await main<{ indexname: string; indexdef: string; tablename: string }[]>`
        select i.indexname, i.indexdef, i.tablename from pg_indexes i
        join pg_class c on c.relname = i.indexname and c.relkind = 'i'
        where i.schemaname = 'public' and i.tablename in ('contacts', 'conversations', 'messages', 'conversation_reads')
          and not exists (select 1 from pg_constraint k where k.conindid = c.oid)`;
      for (const r of rows) await main.unsafe(`drop index "${r.indexname}"`);
      return rows;
    });

    // Per conversation: channel, message count (1–60, skewed low, exactly `messages` in all),
    // time of the last message (denser towards now, over a year), assignee (35% unassigned).
    await step("plan conversations", async () => {
      await main.unsafe(`
        create unlogged table bench_conv as
        select g as idx,
               (g % 2) as ch,
               least(60, 1 + floor(59 * power(pg_temp.u(g, 11), 2.03))::int) as n,
               now() - interval '365 days' * power(pg_temp.u(g, 12), 2) - interval '1 second' * (g % 997) as last_at,
               (1 + pg_temp.h(g, 16) % 240)::int as gap_min,
               case when pg_temp.h(g, 13) % 100 < 35 then null
                    else (${sqlArray(managers)})[1 + (pg_temp.h(g, 14) % ${managers.length})::int]::uuid end as assignee
        from generate_series(1, ${C}) g`);
      const [{ total }] = (await main.unsafe(`select sum(n)::bigint as total from bench_conv`)) as unknown as [{ total: string }];
      const delta = sizes.messages - Number(total);
      if (delta > 0) {
        await main.unsafe(`update bench_conv set n = n + 1 where idx in (select idx from bench_conv where n < 60 order by pg_temp.h(idx, 15) limit ${delta})`);
      } else if (delta < 0) {
        await main.unsafe(`update bench_conv set n = n - 1 where idx in (select idx from bench_conv where n > 1 order by pg_temp.h(idx, 15) limit ${-delta})`);
      }
      await main.unsafe(`alter table bench_conv add primary key (idx)`);
    });

    // Every message of every conversation, in time order (so ids grow with time, as in
    // production, and a conversation's messages are spread over the table).
    await step("plan messages (sorted by time)", () =>
      main.unsafe(`
        create unlogged table bench_msg as
        select s.*,
               case when pg_temp.h(s.x, 31) % 100 < 4 then 'photo' when pg_temp.h(s.x, 31) % 100 < 6 and s.dir = 'in' then 'voice' else 'text' end as kind
        from (
          select c.idx, k, c.ch,
                 c.idx::bigint * 64 + k as x,
                 case when k = 1 then 'in'
                      when k = c.n then (case when pg_temp.h(c.idx::bigint * 64 + k, 22) % 100 < 60 then 'in' else 'out' end)
                      when pg_temp.h(c.idx::bigint * 64 + k, 22) % 100 < 55 then 'in' else 'out' end as dir,
                 c.last_at - interval '1 minute' * (c.gap_min * (c.n - k))
                   - case when k < c.n then interval '1 second' * (pg_temp.h(c.idx::bigint * 64 + k, 23) % (c.gap_min * 30)) else interval '0' end as sent_at
          from bench_conv c, generate_series(1, c.n) k
        ) s
        order by s.sent_at`),
    );

    // Text: a client's or a manager's phrase, often with a few more words; some photos and
    // voice messages without text; one client message in 50 asks about an order by its number;
    // one in 1,500 asks about a rare product (a word few conversations have); one in 300 is long
    // (a dozen phrases).
    const msgText = `
      case
        when m.kind = 'voice' then ''
        when m.kind = 'photo' and pg_temp.h(m.x, 33) % 2 = 0 then ''
        when m.dir = 'in' and pg_temp.h(m.x, 42) % 50 = 0 then
          'Где мой заказ №' || (10000 + pg_temp.h(m.x, 43) % 90000) || '? Трек не обновляется'
        when m.dir = 'in' and pg_temp.h(m.x, 44) % 1500 = 0 then 'Подскажите, гироскутер ещё есть в наличии?'
        when m.dir = 'in' and pg_temp.h(m.x, 34) % 300 = 0 then
          (select string_agg(pg_temp.pick(${sqlArray(clientPhrases)}, m.x * 16 + i, 35), '. ') from generate_series(1, 8 + (pg_temp.h(m.x, 36) % 8)::int) i)
        else
          pg_temp.pick(case when m.dir = 'in' then ${sqlArray(clientPhrases)} else ${sqlArray(managerPhrases)} end, m.x, 37)
          || case when pg_temp.h(m.x, 38) % 3 = 0 then
               ' ' || pg_temp.pick(${sqlArray(words)}, m.x, 39) || ' ' || pg_temp.pick(${sqlArray(words)}, m.x, 40) || ' ' || pg_temp.pick(${sqlArray(words)}, m.x, 41)
             else '' end
      end`;
    await step("insert messages", async () => {
      await main.unsafe(`
        insert into messages (project_id, conversation_id, channel_id, external_id, direction, author, kind, text, sent_at, delivery, agent_action, created_at)
        select '${ids.projectId}', md5('conv' || m.idx)::uuid,
               case m.ch when 0 then '${ids.vkChannelId}'::uuid else '${ids.telegramChannelId}'::uuid end,
               case m.ch when 0 then (m.x)::text else (100000 + m.idx)::text || ':' || m.k end,
               m.dir,
               case when m.dir = 'in' then 'client' when pg_temp.h(m.x, 32) % 10 < 3 then 'agent' else 'member' end,
               m.kind, ${msgText}, m.sent_at,
               case when m.dir = 'in' then 'received' else 'read' end,
               case when m.dir = 'out' and pg_temp.h(m.x, 32) % 10 < 3 then 'answer' end,
               m.sent_at
        from bench_msg m`);
    });

    await step("insert contacts", () =>
      main.unsafe(`
        insert into contacts (id, project_id, channel_id, external_id, name, username, phone, profile_url, active, first_touch, created_at)
        select md5('contact' || g)::uuid, '${ids.projectId}',
               case g % 2 when 0 then '${ids.vkChannelId}'::uuid else '${ids.telegramChannelId}'::uuid end,
               (100000 + g)::text,
               case when pg_temp.h(g, 51) % 100 < 3 then 'client_' || g
                    when pg_temp.h(g, 52) % 2 = 0 then
                      pg_temp.pick(${sqlArray(femaleFirst)}, g, 53) || case when pg_temp.h(g, 54) % 10 = 0 then '' else ' ' || pg_temp.pick(${sqlArray(surnames)}, g, 55) || 'а' end
                    else
                      pg_temp.pick(${sqlArray(maleFirst)}, g, 56) || case when pg_temp.h(g, 54) % 10 = 0 then '' else ' ' || pg_temp.pick(${sqlArray(surnames)}, g, 55) end
               end,
               case when g % 2 = 1 and pg_temp.h(g, 57) % 2 = 0 then 'user' || g end,
               case when pg_temp.h(g, 58) % 100 < 65 then '+79' || lpad((pg_temp.h(g, 59) % 1000000000)::text, 9, '0') end,
               case when g % 2 = 0 then 'https://vk.com/id' || (100000 + g) else 'https://t.me/user' || g end,
               pg_temp.h(g, 60) % 50 <> 0,
               case when pg_temp.h(g, 61) % 4 = 0 then jsonb_build_object('utmSource', pg_temp.pick(array['vk_ads','yandex','tg_ads','blogger']::text[], g, 62), 'utmCampaign', 'spring') end,
               now() - interval '400 days'
        from generate_series(1, ${C}) g`),
    );

    // Conversations carry what the message writers maintain: last message time, preview (by the
    // writers' own rule, in its SQL form), direction and author (a member's reply is mostly the
    // assignee's, one in five a colleague's), count and the sequences unread is computed from.
    await step("insert conversations", () =>
      main.unsafe(`
        with agg as (
          select conversation_id, count(*)::int as cnt, max(id) as max_id, max(id) filter (where direction = 'in') as max_in
          from messages group by conversation_id
        )
        insert into conversations (id, project_id, channel_id, contact_id, external_chat_id, stage, assignee_id, ai_enabled, attribution,
                                   last_message_at, last_message_preview, last_message_direction, last_message_author, last_message_author_id, message_count, last_seq, last_inbound_seq, created_at)
        select md5('conv' || c.idx)::uuid, '${ids.projectId}',
               case c.ch when 0 then '${ids.vkChannelId}'::uuid else '${ids.telegramChannelId}'::uuid end,
               md5('contact' || c.idx)::uuid, (100000 + c.idx)::text,
               case when c.assignee is null then (case when pg_temp.h(c.idx, 71) % 2 = 0 then 'new' else 'bot' end)
                    else (array['assigned','assigned','assigned','needs_human','won','lost','low_quality']::text[])[1 + (pg_temp.h(c.idx, 72) % 7)::int] end,
               c.assignee, c.assignee is null,
               case when pg_temp.h(c.idx, 61) % 4 = 0 then jsonb_build_object('utmSource', 'vk_ads', 'utmCampaign', 'spring') end,
               last.sent_at,
               ${messagePreviewSql("last.text", "last.kind", "null")},
               last.direction, last.author,
               case when last.author = 'member' then coalesce(case when pg_temp.h(c.idx, 73) % 5 = 0 then (${sqlArray(managers)})[1 + (pg_temp.h(c.idx, 74) % ${managers.length})::int]::uuid end, c.assignee) end,
               a.cnt, a.max_id, coalesce(a.max_in, 0),
               c.last_at - interval '1 minute' * (c.gap_min * c.n)
        from bench_conv c
        join agg a on a.conversation_id = md5('conv' || c.idx)::uuid
        join messages last on last.id = a.max_id`),
    );

    await step("drop plan tables", () => main.unsafe(`drop table bench_msg; drop table bench_conv`));

    // Rebuild: the GIN indexes (full-text and trigram, the longest, single-threaded) on one
    // connection, the rest on another.
    await step("rebuild indexes", async () => {
      const fts = dropped.filter((d) => / USING gin /i.test(d.indexdef));
      const rest = dropped.filter((d) => !/ USING gin /i.test(d.indexdef));
      await Promise.all([
        (async () => {
          for (const d of fts) await side.unsafe(d.indexdef);
        })(),
        (async () => {
          for (const d of rest) await main.unsafe(d.indexdef);
        })(),
      ]);
    });
    // Read points: every assigned conversation read by its manager up to the end; the manager
    // under test has read everything they see except the newest few thousand and 1% of the rest
    // (read up to their last reply: the client's messages after it are unread). After the index
    // rebuild, so that finding the last reply uses the history index.
    const [{ visible, unread }] = (await step("insert read points", async () => {
      await main.unsafe(`
        insert into conversation_reads (project_id, conversation_id, membership_id, last_read_seq, updated_at)
        select project_id, id, assignee_id, last_seq, last_message_at from conversations
        where assignee_id is not null and assignee_id <> '${ids.managerMembershipId}'`);
      await main.unsafe(`
        with visible as (
          select id, last_seq, last_inbound_seq, last_message_at,
                 row_number() over (order by last_message_at desc, id desc) as rank
          from conversations where assignee_id = '${ids.managerMembershipId}' or assignee_id is null
        )
        insert into conversation_reads (project_id, conversation_id, membership_id, last_read_seq, updated_at)
        select '${ids.projectId}', id, '${ids.managerMembershipId}',
               case when rank <= ${sizes.unreadNewest} or pg_temp.h(abs(hashtext(id::text)), 81) % 100 = 0
                    then coalesce((select m.id from messages m where m.conversation_id = visible.id and m.direction = 'out' and m.id < visible.last_inbound_seq order by m.sent_at desc, m.id desc limit 1), 0)
                    else last_seq end,
               last_message_at
        from visible`);
      return main.unsafe(`
        select count(*)::int as visible, count(*) filter (where c.last_inbound_seq > coalesce(r.last_read_seq, 0))::int as unread
        from conversations c left join conversation_reads r on r.conversation_id = c.id and r.membership_id = '${ids.managerMembershipId}'
        where c.assignee_id = '${ids.managerMembershipId}' or c.assignee_id is null`);
    })) as unknown as [{ visible: number; unread: number }];

    await step("vacuum analyze", async () => {
      for (const t of ["contacts", "conversations", "messages", "conversation_reads"]) await main.unsafe(`vacuum (analyze) ${t}`);
    });
    const sizesMb = Object.fromEntries(
      (
        (await main.unsafe(`
          select relname, round(pg_total_relation_size(oid) / 1048576.0)::int as mb from pg_class
          where relname in ('contacts', 'conversations', 'messages', 'conversation_reads') and relkind = 'r'`)) as unknown as { relname: string; mb: number }[]
      ).map((r) => [r.relname, r.mb]),
    );
    const [{ conversations, messages }] = (await main.unsafe(`select (select count(*)::int from conversations) as conversations, (select count(*)::int from messages) as messages`)) as unknown as [
      { conversations: number; messages: number },
    ];
    return { seconds, conversations, messages, managerVisible: visible, managerUnread: unread, sizesMb };
  } finally {
    await main.end();
    await side.end();
  }
}
