// @ts-check
// One sidebar for the whole help center, grouped by who reads it.
// Category keys stay stable when labels are translated (i18n/<locale>/docusaurus-plugin-content-docs).

/** @type {import('@docusaurus/plugin-content-docs').SidebarsConfig} */
const sidebars = {
  help: [
    {
      type: "category",
      key: "start",
      label: "Начало работы",
      collapsed: false,
      items: ["intro", "getting-started", "help-center", "security"],
    },
    {
      type: "category",
      key: "admin",
      label: "Администрирование",
      collapsed: false,
      items: ["admin/projects", "admin/staff", "admin/roles", "admin/analytics", "admin/performance", "admin/links", "admin/payments", "admin/media-library", "admin/audit-log"],
    },
    {
      type: "category",
      key: "channels",
      label: "Каналы",
      collapsed: false,
      items: ["channels/telegram", "channels/vk", "channels/health"],
    },
    {
      type: "category",
      key: "inbox",
      label: "Рабочее место менеджера",
      collapsed: false,
      items: ["inbox/sign-in", "inbox/conversations", "inbox/unread-and-search", "inbox/templates", "inbox/copilot", "inbox/voice", "inbox/payments", "inbox/alerts", "inbox/contact-card", "inbox/tags-and-notes", "inbox/phone", "inbox/drafts", "inbox/shortcuts"],
    },
    {
      type: "category",
      key: "ai-agent",
      label: "ИИ-агент",
      collapsed: false,
      items: ["ai-agent/setup", "ai-agent/stages", "ai-agent/rotation", "ai-agent/intent", "ai-agent/takeover", "ai-agent/sales", "ai-agent/knowledge"],
    },
    {
      type: "category",
      key: "shop",
      label: "Каталог и заказы",
      collapsed: false,
      items: ["shop/catalog", "shop/price-list", "shop/menu-bot", "shop/orders"],
    },
    {
      type: "category",
      key: "import",
      label: "Импорт истории",
      collapsed: false,
      items: ["import/history"],
    },
  ],
};

export default sidebars;
