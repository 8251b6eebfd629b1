import { useOutletContext } from "react-router";
import type { Me } from "@threadline/ui";

export type Access = { roleKey: string; permissions: string[]; hiddenFields: string[] };

export function useConsole() {
  return useOutletContext<{ me: Me }>();
}

export function useProjectAccess() {
  return useOutletContext<{ me: Me; projectId: string; access: Access }>();
}
