import { index, layout, route, type RouteConfig } from "@react-router/dev/routes";

export default [
  route("login", "routes/login.tsx"),
  route("invite/:token", "routes/invite.tsx"),
  layout("routes/console.tsx", [
    index("routes/home.tsx"),
    route("projects/new", "routes/project-new.tsx"),
    route("p/:projectId", "routes/project.tsx", [
      index("routes/project-index.tsx"),
      route("staff", "routes/staff.tsx"),
      route("rotation", "routes/rotation.tsx"),
      route("channels", "routes/channels.tsx"),
      route("import", "routes/import.tsx"),
      route("agent", "routes/agent.tsx"),
      route("knowledge", "routes/knowledge.tsx"),
      route("sandbox", "routes/sandbox.tsx"),
      route("roles", "routes/roles.tsx"),
      route("templates", "routes/templates.tsx"),
      route("media", "routes/media.tsx"),
      route("spend", "routes/spend.tsx"),
      route("traffic", "routes/traffic.tsx"),
      route("performance", "routes/performance.tsx"),
      route("audit", "routes/audit.tsx"),
      route("settings", "routes/settings.tsx"),
      route("orders", "routes/orders.tsx"),
      route("catalog", "routes/catalog.tsx"),
      route("payments", "routes/payments.tsx"),
      route("finance", "routes/finance.tsx"),
      route("links", "routes/links.tsx"),
    ]),
  ]),
] satisfies RouteConfig;
