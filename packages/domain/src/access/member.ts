import { forbidden } from "../errors.ts";
import type { HideableField, Permission } from "./catalog.ts";

// A signed-in person acting inside one project, with their role template resolved.
export type Member = {
  membershipId: string;
  projectId: string;
  userId: string;
  roleId: string;
  roleKey: string;
  permissions: ReadonlySet<Permission>;
  hiddenFields: ReadonlySet<HideableField>;
};

/** The one permission check. */
export function assertCan(member: Member, permission: Permission): void {
  if (!member.permissions.has(permission)) throw forbidden();
}

export function can(member: Member, permission: Permission): boolean {
  return member.permissions.has(permission);
}
