// The texts of the notifications a member gets; realtime events carry one of these and nothing else.
export const NOTIFICATION_TEXTS = {
  withContact: "Вам назначен новый лид с контактом",
  needsHuman: "Вам назначен новый лид: клиенту нужен менеджер",
  conversation: "Вам назначен новый диалог",
  paymentReceived: "Клиент оплатил счёт",
  orderPlaced: "Клиент оформил заказ у ИИ-агента",
  reassigned: "Вам передан диалог отключённого сотрудника",
  overdue: "Клиент ждёт ответа дольше нормы",
  channelError: "Канал перестал работать: проверьте его подключение в консоли администратора",
} as const;
export type NotificationText = (typeof NOTIFICATION_TEXTS)[keyof typeof NOTIFICATION_TEXTS];
