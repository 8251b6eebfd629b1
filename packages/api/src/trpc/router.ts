// The API: one router per area of the product, as the apps call it (trpc.conversations.list, …).

import { analyticsRouter } from "./routers/analytics.ts";
import { authRouter } from "./routers/auth.ts";
import { projectsRouter } from "./routers/projects.ts";
import { conversationsRouter } from "./routers/conversations.ts";
import { channelsRouter } from "./routers/channels.ts";
import { importsRouter } from "./routers/imports.ts";
import { agentRouter, leadsRouter, notificationsRouter } from "./routers/leads.ts";
import { copilotRouter } from "./routers/copilot.ts";
import { auditRouter, rolesRouter, staffRouter } from "./routers/staff.ts";
import { templatesRouter } from "./routers/templates.ts";
import { mediaRouter } from "./routers/media.ts";
import { voiceRouter } from "./routers/voice.ts";
import { catalogRouter } from "./routers/catalog.ts";
import { ordersRouter } from "./routers/orders.ts";
import { paymentAccountsRouter, paymentsRouter } from "./routers/payments.ts";
import { rotationRouter } from "./routers/rotation.ts";
import { alertsRouter, channelHealthRouter, staffBotRouter } from "./routers/alerts.ts";
import { knowledgeRouter } from "./routers/knowledge.ts";
import { tagsRouter } from "./routers/tags.ts";
import { router } from "./init.ts";

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  staff: staffRouter,
  roles: rolesRouter,
  audit: auditRouter,
  conversations: conversationsRouter,
  channels: channelsRouter,
  imports: importsRouter,
  agent: agentRouter,
  leads: leadsRouter,
  copilot: copilotRouter,
  notifications: notificationsRouter,
  voice: voiceRouter,
  analytics: analyticsRouter,
  templates: templatesRouter,
  media: mediaRouter,
  catalog: catalogRouter,
  orders: ordersRouter,
  // Payments
  payments: paymentsRouter,
  paymentAccounts: paymentAccountsRouter,
  rotation: rotationRouter,
  alerts: alertsRouter,
  staffBot: staffBotRouter,
  channelHealth: channelHealthRouter,
  knowledge: knowledgeRouter,
  tags: tagsRouter,
});

export type AppRouter = typeof appRouter;
