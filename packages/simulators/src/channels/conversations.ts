import type { UtmTags } from "@threadline/channels";

// Realistic Russian conversations of clients with a small business, played by the scripted
// clients into the simulators for the demo and for tests.

export type ScriptStep =
  | { say: string }
  | { photo: "receipt" | "product"; caption?: string }
  | { document: { fileName: string; content: string }; caption?: string }
  /** `says`: the words the note carries, for the OpenAI and ElevenLabs simulators to transcribe. */
  | { voice: { durationSec: number; says?: string } }
  /** Waits until the business answers (or the reply timeout passes), as a person would. */
  | { awaitReply: true };

export interface ConversationScript {
  id: string;
  title: string;
  /** Where the client came from: sent as VK ref or Telegram /start payload with the first message. */
  utm?: UtmTags;
  steps: ScriptStep[];
}

const reply = { awaitReply: true } as const;

export const RUSSIAN_CONVERSATIONS: readonly ConversationScript[] = [
  {
    id: "bouquet-price",
    title: "Цена букета",
    utm: { source: "vk_ads", medium: "cpc", campaign: "march_8", content: "tulips" },
    steps: [
      { say: "Здравствуйте! Сколько стоит букет из 25 тюльпанов?" },
      reply,
      { say: "А доставка до метро Профсоюзная сколько будет?" },
      reply,
      { say: "Хорошо, давайте оформим. Мой номер +7 916 123-45-67" },
    ],
  },
  {
    id: "opening-hours",
    title: "Часы работы",
    steps: [{ say: "Добрый день, во сколько вы открываетесь в субботу?" }, reply, { say: "Спасибо, заеду к десяти" }],
  },
  {
    id: "delivery-region",
    title: "Доставка в область",
    utm: { source: "yandex.direct", medium: "cpc", campaign: "доставка" },
    steps: [
      { say: "Доставляете в Химки?" },
      reply,
      { say: "Сколько по времени занимает доставка?" },
      reply,
      { say: "Понятно, спасибо" },
    ],
  },
  {
    id: "payment-receipt",
    title: "Чек об оплате",
    steps: [
      { say: "Оплатила заказ №1842 по СБП" },
      { photo: "receipt", caption: "Вот чек" },
      reply,
      { say: "Когда ждать курьера?" },
    ],
  },
  {
    id: "callback-phone",
    title: "Просьба перезвонить",
    utm: { source: "tg_channel", medium: "post", campaign: "autumn" },
    steps: [{ say: "Перезвоните мне, пожалуйста, хочу обсудить заказ на корпоратив" }, reply, { say: "8 (903) 555-12-34, Анна" }],
  },
  {
    id: "in-stock",
    title: "Наличие размера",
    steps: [
      { say: "Здравствуйте, куртка из последнего поста есть в размере M?" },
      reply,
      { say: "А в синем цвете?" },
      reply,
      { say: "Отложите, пожалуйста, до завтра" },
    ],
  },
  {
    id: "return",
    title: "Возврат товара",
    steps: [
      { say: "Хочу вернуть товар, не подошёл размер. Как это сделать?" },
      reply,
      { document: { fileName: "заявление_на_возврат.pdf", content: "%PDF-1.4 Заявление на возврат" }, caption: "Заявление заполнила" },
    ],
  },
  {
    id: "voice-question",
    title: "Голосовое сообщение",
    steps: [{ voice: { durationSec: 9 } }, { say: "Послушайте, пожалуйста, так быстрее объяснить" }, reply],
  },
  {
    id: "invoice-company",
    title: "Счёт для юрлица",
    utm: { source: "site", medium: "widget" },
    steps: [
      { say: "Нам нужен счёт для юрлица на 12 букетов к пятнице" },
      { document: { fileName: "реквизиты_ООО_Ромашка.pdf", content: "%PDF-1.4 ИНН 7701234567 КПП 770101001" }, caption: "Реквизиты во вложении" },
      reply,
      { say: "Бухгалтерия: +7 495 123-45-67, доб. 204" },
    ],
  },
  {
    id: "appointment",
    title: "Запись на время",
    steps: [{ say: "Можно записаться на завтра на 15:00?" }, reply, { say: "Отлично, меня зовут Дмитрий, телефон 89261112233" }],
  },
  {
    id: "discount",
    title: "Скидка постоянному клиенту",
    steps: [{ say: "Есть скидки для постоянных клиентов?" }, reply, { say: "Я у вас уже третий раз заказываю 🙂" }],
  },
  {
    id: "product-photo",
    title: "Как на фото",
    utm: { source: "vk_ads", medium: "cpm", campaign: "retarget" },
    steps: [{ photo: "product", caption: "Есть такой же, как на фото?" }, reply, { say: "Сколько будет стоить с упаковкой?" }],
  },
  {
    id: "not-interested",
    title: "Пока не актуально",
    steps: [{ say: "Сколько стоит ваш курс?" }, reply, { say: "Дороговато. Спасибо, пока не актуально" }],
  },
];
