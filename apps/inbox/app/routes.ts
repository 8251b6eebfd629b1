import { index, layout, route, type RouteConfig } from "@react-router/dev/routes";

export default [
  route("login", "routes/login.tsx"),
  route("invite/:token", "routes/invite.tsx"),
  layout("routes/workspace.tsx", [index("routes/home.tsx"), route("p/:projectId", "routes/project.tsx")]),
] satisfies RouteConfig;
