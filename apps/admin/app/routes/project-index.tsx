import { Navigate } from "react-router";
import { useProjectAccess } from "../session.ts";

const order = [
  ["staff.manage", "staff"],
  ["channels.manage", "channels"],
  ["import.manage", "import"],
  ["analytics.spend", "spend"],
  ["analytics.traffic", "traffic"],
  ["audit.view", "audit"],
  ["project.settings", "settings"],
] as const;

export default function ProjectIndex() {
  const { access } = useProjectAccess();
  const first = order.find(([p]) => access.permissions.includes(p));
  return <Navigate to={first ? first[1] : "settings"} replace />;
}
