// The demo's scripted clients ask what each business's clients ask: coffee, cakes and the courier
// at the coffee shop; cleaning, implants and appointments at the dental clinic.
import type { ConversationScript } from "@threadline/simulators/channels";

const reply = { awaitReply: true } as const;

export const DEMO_CONVERSATIONS: Record<string, readonly ConversationScript[]> = {
  zerno: [
    {
      id: "zerno-hours",
      title: "Часы работы",
      steps: [{ say: "Добрый день! До скольки вы работаете в субботу?" }, reply, { say: "Спасибо, зайду вечером" }],
    },
    {
      id: "zerno-courier",
      title: "Когда ждать курьера",
      utm: { source: "vk_ads", medium: "cpc", campaign: "breakfast", content: "croissant" },
      steps: [{ say: "Здравствуйте, заказала завтрак. Когда ждать курьера?" }, reply, { say: "Мой номер +7 916 123-45-67, если что" }],
    },
    {
      id: "zerno-cake",
      title: "Торт на заказ",
      steps: [{ say: "Можно заказать торт на день рождения?" }, reply, { say: "Шоколадный на 2 кг к субботе. Телефон 8 903 555-12-34, Анна" }],
    },
    {
      id: "zerno-milk",
      title: "Альтернативное молоко",
      steps: [{ say: "А у вас есть овсяное молоко для капучино?" }, reply, { say: "Отлично, спасибо!" }],
    },
    {
      id: "zerno-voice",
      title: "Голосовое о доставке",
      steps: [{ voice: { durationSec: 5, says: "Здравствуйте, а сколько у вас стоит доставка?" } }, reply, { say: "Спасибо!" }],
    },
    {
      id: "zerno-delivery",
      title: "Доставка",
      steps: [{ say: "Сколько у вас стоит доставка?" }, reply, { say: "Хорошо, тогда закажу на 1200 ₽" }],
    },
  ],
  ulybka: [
    {
      id: "ulybka-cleaning",
      title: "Цена чистки",
      utm: { source: "vk_ads", medium: "cpc", campaign: "hygiene", content: "airflow" },
      steps: [{ say: "Здравствуйте! Сколько стоит чистка зубов?" }, reply, { say: "Запишите меня, пожалуйста: 8 926 111-22-33, Дмитрий" }],
    },
    {
      id: "ulybka-consultation",
      title: "Консультация",
      steps: [{ say: "Можно записаться на консультацию к стоматологу?" }, reply, { say: "Завтра после 18:00 удобно. +7 917 222-33-44" }],
    },
    {
      id: "ulybka-pain",
      title: "Больно ли лечить",
      steps: [{ say: "Очень боюсь, больно ли лечить зуб?" }, reply, { say: "Хорошо, подумаю" }],
    },
    {
      id: "ulybka-hours",
      title: "Часы работы",
      steps: [{ say: "Вы работаете в воскресенье?" }, reply, { say: "Понял, приду в субботу" }],
    },
    {
      id: "ulybka-voice",
      title: "Голосовое о часах работы",
      steps: [{ voice: { durationSec: 4, says: "Добрый день, вы работаете в воскресенье?" } }, reply, { say: "Понял, спасибо" }],
    },
    {
      id: "ulybka-implant",
      title: "Имплант",
      steps: [{ say: "Сколько стоит имплант?" }, reply, { say: "Мой телефон 89031234567, перезвоните" }],
    },
  ],
};
