/** The help center's page for each console screen (the route's last segment); the rest get the start page. */
const pages: Record<string, string> = {
  staff: "admin/staff",
  roles: "admin/roles",
  channels: "channels/telegram",
  import: "import/history",
  agent: "ai-agent/setup",
  templates: "inbox/templates",
  media: "admin/media-library",
  spend: "admin/analytics",
  traffic: "admin/analytics",
  audit: "admin/audit-log",
  settings: "admin/projects",
  new: "admin/projects",
};

export function helpPageOf(pathname: string): string {
  const last = pathname.replace(/\/+$/, "").split("/").pop() ?? "";
  return pages[last] ?? "getting-started";
}
