// What a client message is about, decided by rules on normalised text: the intent used to route a
// new conversation (purchase, question, support, complaint, spam, other) and the signals the agent acts on
// (refusal to give a phone, handoff topics, a request for a person, greetings, empty messages).
// Every pattern is linear in the text, so a 5,000-character message costs no more than a scan.
import { normalizeText } from "./stem.ts";

export type Intent = "purchase" | "question" | "support" | "complaint" | "spam" | "other";
export const INTENTS: readonly Intent[] = ["purchase", "question", "support", "complaint", "spam", "other"];

/** What a message carries besides text: a sticker or a photo without caption has no words. */
export type MessageKind = "text" | "sticker" | "photo" | "voice" | "video" | "document" | "other";

export interface MessageSignals {
  intent: Intent;
  /** No words at all: empty text, a sticker, a photo without caption, only punctuation. */
  empty: boolean;
  emojiOnly: boolean;
  sticker: boolean;
  greeting: boolean;
  /** Nothing but a greeting ("Здравствуйте!", "Добрый день)"). */
  greetingOnly: boolean;
  /** Nothing to act on: thanks, "ок", emoji, a sticker. */
  smallTalk: boolean;
  question: boolean;
  /** The client will not give a phone ("не дам номер", "пишите сюда", "без звонков"). */
  refusal: boolean;
  /** The client asks why the phone is needed. */
  phoneWhy: boolean;
  /** The client asks for a person ("позовите менеджера"). */
  humanRequested: boolean;
  /** The project's handoff topics the message touches, as the project wrote them. */
  handoffTopics: string[];
  spam: boolean;
  spamReasons: string[];
  /** Over 2,000 characters. */
  long: boolean;
}

// \W0 starts a word, \W1 ends one (JavaScript's \b only knows ASCII letters).
function rx(source: string, flags = "u"): RegExp {
  return new RegExp(source.replaceAll("\\W0", "(?<![\\p{L}\\p{N}])").replaceAll("\\W1", "(?![\\p{L}\\p{N}])"), flags);
}

function any(patterns: readonly RegExp[], text: string): boolean {
  return patterns.some((p) => p.test(text));
}

const PHONE = "(номер[а-я]*|телефон[а-я]*|контакт[а-я]*|тел\\.?|мобильн[а-я]*|номерок)";

const REFUSAL = [
  rx(`\\W0не\\s+(дам|даю|оставлю|скажу|сообщу|напишу|буду\\s+(давать|оставлять|писать|говорить|сообщать|светить)|хочу\\s+(давать|оставлять|дать|оставить|говорить|сообщать|писать|светить|указывать|диктовать)|готова?\\s+(дать|оставить|давать|оставлять))\\s+(вам\\s+)?(свой\\s+|мой\\s+|свой\\s+личный\\s+)?${PHONE}`),
  rx(`\\W0${PHONE}\\s+(свой\\s+|мой\\s+|вам\\s+)?(я\\s+)?(не\\s+(дам|даю|оставлю|оставляю|скажу|сообщу|пишу|напишу|буду|хочу|дам вам)|давать\\s+не|оставлять\\s+не|ни\\s+за\\s+что)`),
  rx("\\W0без\\s+(звонков|звонка|номера|телефона)"),
  rx("\\W0не\\s+(звоните|звонить|надо\\s+звонить|нужно\\s+звонить|хочу\\s+(чтобы|что\\s+бы)\\s+(мне\\s+)?звонили|люблю\\s+(звонки|разговаривать|говорить\\s+по)|хочу\\s+(звонков|разговаривать|говорить\\s+по|созваниваться)|могу\\s+(говорить|разговаривать))"),
  rx("\\W0(пишите|напишите|ответьте|отвечайте|расскажите|давайте|общаться|общаемся|только|лучше)\\s+(мне\\s+)?(сюда|здесь|тут|в\\s+(чат|чате|личку|лс|переписке|сообщениях|вк|вконтакте|телеграм[а-я]*|этом\\s+чате)|текстом|письменно|в\\s+переписку|переписк[а-я]*)\\W1"),
  rx(`\\W0(не\\s+(нужно|надо|обязательно)|обойдусь\\s+без)\\s+(мне\\s+)?(звонить|перезванивать|${PHONE})`),
  rx("\\W0(звонить|звоните|перезванивать|позвонить)\\s+(мне\\s+)?не\\s+(надо|нужно|стоит|обязательно|вздумайте)"),
  rx("\\W0не\\s+(беру|отвечаю\\s+на|поднимаю)\\s+(трубку|звонки|телефон)"),
];

// Short answers that are a refusal only right after the agent asked for the phone.
const REFUSAL_AFTER_ASK = rx(
  "^(нет|неа|не|не хочу|не буду|не надо|не нужно|не стоит|нет спасибо|нет, спасибо|спасибо, нет|обойдусь|не дам|ни за что|откажусь|пока нет|пока не надо|не сейчас|не готов|не готова|воздержусь)[\\s.!)]*$",
);

const PHONE_WHY = [
  rx(`\\W0(зачем|для\\s+чего|почему|а\\s+зачем)\\s+(вам\\s+)?(мой\\s+|нужен\\s+|нужен\\s+мой\\s+)?${PHONE}`),
  rx(`\\W0${PHONE}\\s+(телефона\\s+)?(не\\s+)?(обязател|прям\\s+нужен|точно\\s+нужен|так\\s+нужен)`),
];

const HUMAN = [
  rx("\\W0(позовите|позвать|соедините|переключите|свяжите|дайте|нужен|нужна|хочу|можно|верните)\\s+((пожалуйста|меня|мне|нам|нас|уже)\\s+)*(с\\s+)?(менеджер|оператор|человек|сотрудник|администратор|консультант|специалист|живо|руководител)"),
  rx("\\W0(живой|живым|живого|реальн[а-я]*|настоящ[а-я]*)\\s+(человек|оператор|менеджер|сотрудник)"),
  rx("\\W0(поговорить|пообщаться|общаться|связаться)\\s+с\\s+(менеджер|человек|оператор|сотрудник|живым|администратор|руководител)"),
];

// An unhappy client: a complaint goes to whoever the owner chose for complaints, before the rest of support.
const COMPLAINT = [
  rx("\\W0(жалоб|пожаловаться|претензи|обман|мошенни|верните\\s+деньги|вернуть\\s+деньги|возврат[а-я]*\\s+(денег|средств)|безобрази|возмутительн|отвратительн|ужасн[а-я]*\\s+(сервис|обслуживани|качеств)|хамств|нахамил)"),
];

const SUPPORT = [
  rx("\\W0(возврат[а-я]*\\s+(товара|заказа))"),
  rx("\\W0не\\s+(пришел|пришла|пришло|пришли|доставили|привезли|работает|включается|заряжается|подходит)\\W1"),
  rx("\\W0(сломал|сломан|брак|бракован|испорчен|испортил|поврежден|разбит)"),
  rx("\\W0(где\\s+мой\\s+заказ|статус\\s+заказа|отследить\\s+(заказ|посылку)|трек-?номер)"),
  rx("\\W0(отменить|перенести|изменить)\\s+(мой\\s+|свой\\s+)?(заказ|запись|бронь|визит|прием)"),
  rx("\\W0(уже\\s+(заказывал|заказывала|заказал|заказала|оплатил|оплатила|покупал|покупала|купил|купила|был|была)|я\\s+ваш\\s+клиент)"),
];

const PURCHASE = [
  rx("\\W0(купить|куплю|покупк|приобрести|приобрету|заказать|закажу|заказ|оформить|оформлю|записаться|запишите|запись|записать|забронировать|бронь|бронирова|в\\s+наличии|сколько\\s+стоит|стоимость|цен[аыу]|прайс|почем|доставк|оплат|рассрочк|кредит|подобрать|подбор)"),
  rx("\\W0(хочу|хотим|хотел[аи]?\\s+бы|планирую|нужен|нужна|нужно|нужны|ищу|интересует|интересуют)\\W1"),
];

const QUESTION_WORDS = rx(
  "(^|[.!,;:]\\s*|\\s)(а\\s+)?(как|где|когда|сколько|что|чем|какой|какая|какое|какие|каков|можно|есть\\s+ли|почему|зачем|куда|откуда|кто|подскажите|скажите|расскажите|уточните|интересует|возможно\\s+ли|реально\\s+ли)\\W1",
);
const QUESTION_PARTICLE = rx("\\W0ли\\W1");

const GREETING = rx(
  "^(здравствуйте|здравствуй|здрасьте|здрасте|добрый\\s+(день|вечер|утро)|доброе\\s+утро|доброго\\s+(дня|времени\\s+суток|времени|вечера|утра)|доброй\\s+ночи|привет(ствую)?|хай|салют|hi|hello|hey|алло|ау|день\\s+добрый|вечер\\s+добрый)\\W1",
);
// What may stand next to a greeting and still leave it a greeting only.
const GREETING_FILLER = new Set(["всем", "вам", "ребята", "ребят", "друзья", "там", "есть", "кто", "тут", "кто-нибудь", "еще", "и", "вас", "у"]);

const SMALL_TALK = rx(
  "^(спасибо|спс|благодарю|ок|окей|ok|okay|хорошо|ясно|понятно|понял|поняла|ладно|угу|ага|да|хм|ммм|класс|супер|отлично|понятненько|жду|ждем|ждём)(\\s+(большое|вам|огромное|спасибо|за\\s+информацию|понятно|ясно))*$",
);

const LINK = rx("(https?:\\/\\/|www\\.|t\\.me\\/|bit\\.ly|vk\\.cc|clck\\.ru|\\W0[a-z0-9-]{2,}\\.(ru|com|net|org|io|me|su|рф|online|site|xyz|top|club|shop|pro|biz|info)\\W1)", "iu");

const SPAM_STRONG: { reason: string; pattern: RegExp }[] = [
  { reason: "casino", pattern: rx("\\W0(казино|casino|слоты|фриспин|1xbet|букмекер|ставки\\s+на\\s+спорт|джекпот|рулетк)") },
  {
    reason: "crypto",
    pattern: rx("\\W0(крипт[а-я]*|биткоин|bitcoin|btc|usdt|nft|airdrop|трейдинг|арбитраж[а-я]*\\s+(крипт|p2p))[^.!?]{0,80}(заработ|зарабат|доход|прибыл|инвест|x\\d|удво|профит)|\\W0(заработ|зарабат|доход|прибыл|инвест)[^.!?]{0,80}(крипт|биткоин|bitcoin|usdt|трейдинг)"),
  },
  {
    reason: "job_offer",
    pattern: rx("\\W0(требуются|требуется|набираем|набор|ищем|ищу)\\s+(сотрудник|людей|человек|партнер|помощник|менеджер|курьер|в\\s+команду|на\\s+удал)[^.!?]{0,80}(удал|на\\s+дому|в\\s+день|в\\s+неделю|ежедневн|без\\s+опыта|от\\s+\\d|доход|оплат)"),
  },
  { reason: "loan_offer", pattern: rx("\\W0(кредит[а-я]*\\s+без\\s+отказ|микрозайм|займ[а-я]*\\s+(без|на\\s+карту|онлайн)|одобрим\\s+за)") },
  { reason: "investment_offer", pattern: rx("\\W0(инвестируйте|вложите|вложи)\\W1|\\W0(доход|прибыл|получай|зарабат)[а-я]*[^.!?]{0,30}\\d+\\s?%\\s+(в|за)\\s+(день|неделю|месяц)") },
  { reason: "data_sale", pattern: rx("\\W0(продам|продаю|продаем)\\s+(базу|базы|аккаунт|номера)") },
  { reason: "easy_money", pattern: rx("\\W0(без\\s+вложений|пассивн[а-я]*\\s+доход|легк[а-я]*\\s+(деньги|заработок)|быстр[а-я]*\\s+(деньги|заработок)|работа\\s+на\\s+дому|доход\\s+от\\s+\\d)") },
  {
    reason: "earnings_offer",
    pattern: rx("\\W0(заработ(ок|ка|ай|айте|ать|аешь|аете)|доход[а-я]*|зарабатывай[а-я]*)\\W1[^.!?]{0,40}(\\d[\\d\\s]*\\s*(₽|руб|р\\.|\\$|тыс|k|к)\\W1|в\\s+(день|неделю|месяц|час)|на\\s+дому|удаленн|не\\s+выходя)"),
  },
  {
    reason: "promotion_service",
    pattern: rx(
      "\\W0(накрутк[а-я]*|раскрутк[а-я]*|продвижени[а-я]*\\s+(ваш|групп|сообществ|аккаунт|бизнес|в\\s+(вк|соц|инст))|подписчик[а-я]*\\s+(для|в)\\s+(ваш|групп)|таргет|лидогенерац|привлечени[а-я]*\\s+клиентов|больше\\s+клиентов|(размещени[а-я]*|реклам[а-я]*)\\s+[^.!?]{0,30}(паблик|telegram-канал|канал[а-я]*|сообществ[а-я]*|охват))",
    ),
  },
];

const SPAM_WEAK: { reason: string; pattern: RegExp }[] = [
  { reason: "link", pattern: LINK },
  {
    reason: "write_in_private",
    pattern: rx("\\W0(пиши(те)?|пишите|стучи(те)?|обращайтесь|подробност[а-я]*|писать|прайс|цены|детали|условия|все|всё)\\s+(мне\\s+)?в\\s+(лс|личку|личные|директ|л\\.с\\.)"),
  },
  {
    reason: "call_to_action",
    pattern: rx("\\W0(переходи(те)?\\s+по\\s+ссылке|перейди(те)?\\s+по\\s+ссылке|жми(те)?\\W1|подпиш(ись|итесь)\\W1|подписывай(ся|тесь)\\W1|регистрируйся|успей(те)?\\W1|только\\s+сегодня)"),
  },
  { reason: "contact_handle", pattern: rx("(пиши(те)?|в\\s+телеграм[а-я]*|в\\s+тг|контакт[а-я]*:?)\\s+@[a-z0-9_]{4,}") },
  { reason: "prize", pattern: rx("\\W0(выиграл[а-я]*|розыгрыш|приз[а-я]*\\W1|подарок\\s+за\\s+регистрац|бонус\\s+за\\s+регистрац)") },
  { reason: "offer", pattern: rx("\\W0(предлагаю|предлагаем)\\s+(вам\\s+)?(услуг|сотрудничеств|рекламу|партнерств)|\\W0(ищу|ищем|набираем)\\s+(партнер|людей|сотрудник|помощник|менеджер)[а-я]*\\s+(на\\s+удаленк|для\\s+заработк|в\\s+команду)|\\W0реклам[а-я]*\\s+(в\\s+)?(ваш|наш)") },
  { reason: "mass_mailing", pattern: rx("\\W0(рассылк[а-я]*|всем\\s+привет,?\\s+кто\\s+хочет|кому\\s+интересно\\s+пиши)") },
];

export function detectSpam(text: string): { spam: boolean; score: number; reasons: string[] } {
  const t = normalizeText(text);
  const reasons: string[] = [];
  let score = 0;
  for (const [signals, points] of [[SPAM_STRONG, 2], [SPAM_WEAK, 1]] as const) {
    for (const s of signals) {
      if (!s.pattern.test(t)) continue;
      reasons.push(s.reason);
      score += points;
    }
  }
  return { spam: score >= 2, score, reasons };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The project's handoff topics (stems like "опт", "скидк") found at the start of a word. */
export function matchHandoffTopics(text: string, topics: readonly string[]): string[] {
  const t = normalizeText(text);
  return topics.filter((topic) => {
    const stem = normalizeText(topic);
    return stem.length > 0 && rx(`\\W0${escapeRegExp(stem)}`).test(t);
  });
}

/** Normalised text with punctuation taken out: "не хочу, чтобы звонили" reads as words. */
function wordsOnly(text: string): string {
  return normalizeText(text)
    .replace(/[^\p{L}\p{N}\s-]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A refusal to give the phone; bare "нет" counts only as the answer to the agent's ask. */
export function detectRefusal(text: string, afterPhoneAsk = false): boolean {
  const w = wordsOnly(text);
  return any(REFUSAL, w) || (afterPhoneAsk && REFUSAL_AFTER_ASK.test(w));
}

const PICTOGRAPHS = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u200d\ufe0f\u20e3]/gu;
const HAS_PICTOGRAPH = /\p{Extended_Pictographic}/u;

export interface AnalyzeOptions {
  handoffTopics?: readonly string[];
  /** The agent's last message asked for the phone. */
  afterPhoneAsk?: boolean;
  kind?: MessageKind;
}

/** Reads one client message (or several consecutive ones joined by new lines). */
export function analyzeMessage(text: string | null | undefined, options: AnalyzeOptions = {}): MessageSignals {
  const raw = text ?? "";
  const t = normalizeText(raw);
  const withoutEmoji = t.replace(PICTOGRAPHS, "");
  const words = withoutEmoji.match(/[\p{L}\p{N}]+/gu) ?? [];
  const sticker = options.kind === "sticker";
  const empty = words.length === 0;
  const emojiOnly = empty && HAS_PICTOGRAPH.test(t);
  const bare = wordsOnly(withoutEmoji);

  const greeting = GREETING.test(bare);
  const greetingOnly =
    greeting && bare.replace(GREETING, "").trim().split(" ").filter((w) => w && !GREETING_FILLER.has(w)).length === 0;
  const spam = detectSpam(raw);
  const handoffTopics = matchHandoffTopics(raw, options.handoffTopics ?? []);
  const refusal = detectRefusal(raw, options.afterPhoneAsk ?? false);
  const phoneWhy = any(PHONE_WHY, bare);
  const humanRequested = any(HUMAN, bare);
  const question = !empty && (t.includes("?") || QUESTION_WORDS.test(t) || QUESTION_PARTICLE.test(t));
  const smallTalk = empty || sticker || SMALL_TALK.test(bare);

  let intent: Intent = "other";
  if (spam.spam) intent = "spam";
  else if (any(COMPLAINT, bare)) intent = "complaint";
  else if (any(SUPPORT, bare)) intent = "support";
  else if (any(PURCHASE, bare)) intent = "purchase";
  else if (question) intent = "question";

  return {
    intent,
    empty,
    emojiOnly,
    sticker,
    greeting,
    greetingOnly,
    smallTalk,
    question,
    refusal,
    phoneWhy,
    humanRequested,
    handoffTopics,
    spam: spam.spam,
    spamReasons: spam.reasons,
    long: raw.length > 2000,
  };
}

/** The routing intent of a message: purchase, question, support, complaint, spam or other. */
export function classifyIntent(text: string): Intent {
  return analyzeMessage(text).intent;
}
