import { z } from "zod";
import { hideableFields, permissions } from "@threadline/domain/access/catalog.ts";
import { listAudit } from "@threadline/domain/audit/service.ts";
import { inviteMember, listInvitations, renewInvitationLink, revokeInvitation } from "@threadline/domain/staff/invitations.ts";
import { changeMemberRole, deactivateMember, listMembers, reactivateMember } from "@threadline/domain/staff/members.ts";
import { createRole, listRoles, updateRole } from "@threadline/domain/staff/roles.ts";
import { projectProcedure, router } from "../init.ts";

const id = z.string().uuid();

export const staffRouter = router({
  list: projectProcedure("staff.manage").query(({ ctx }) => listMembers(ctx.tx, ctx.member.projectId)),

  invitations: projectProcedure("staff.manage").query(({ ctx }) => listInvitations(ctx.tx)),

  invite: projectProcedure("staff.manage")
    .input(z.object({ email: z.string().trim().email("Введите e-mail").max(320), roleId: id }))
    .mutation(async ({ ctx, input }) => {
      const { token, invitation } = await inviteMember(ctx.tx, ctx.member, input);
      return { id: invitation.id, link: `${ctx.urls.inbox}/invite/${token}`, expiresAt: invitation.expiresAt };
    }),

  /** A new link for a waiting invitation (the old one stops working), to copy again. */
  invitationLink: projectProcedure("staff.manage")
    .input(z.object({ invitationId: id }))
    .mutation(async ({ ctx, input }) => {
      const { token, expiresAt } = await renewInvitationLink(ctx.tx, ctx.member, input.invitationId);
      return { link: `${ctx.urls.inbox}/invite/${token}`, expiresAt };
    }),

  revokeInvitation: projectProcedure("staff.manage")
    .input(z.object({ invitationId: id }))
    .mutation(({ ctx, input }) => revokeInvitation(ctx.tx, ctx.member, input.invitationId)),

  changeRole: projectProcedure("staff.manage")
    .input(z.object({ membershipId: id, roleId: id }))
    .mutation(async ({ ctx, input }) => {
      const { userId } = await changeMemberRole(ctx.tx, ctx.member, input.membershipId, input.roleId);
      // Their open pages' live rooms follow the new role, once it is committed.
      ctx.afterCommit(() => ctx.publish({ type: "member.role_changed", projectId: ctx.member.projectId, userId }));
    }),

  deactivate: projectProcedure("staff.manage")
    // reassignTo: the member who takes all their conversations; left out (or null), the rotation.
    .input(z.object({ membershipId: id, reassignTo: id.nullable().optional() }))
    .mutation(async ({ ctx, input }) => {
      const result = await deactivateMember(ctx.tx, ctx.member, input.membershipId, input.reassignTo ? { mode: "member", membershipId: input.reassignTo } : { mode: "rotation" });
      // Once committed: the open pages of that project then find the membership already inactive.
      ctx.afterCommit(async () => {
        await ctx.publish({ type: "member.deactivated", projectId: ctx.member.projectId, userId: result.userId });
        for (const event of result.events) await ctx.publish(event);
      });
      return { userId: result.userId, reassigned: result.reassigned };
    }),

  reactivate: projectProcedure("staff.manage")
    .input(z.object({ membershipId: id }))
    .mutation(({ ctx, input }) => reactivateMember(ctx.tx, ctx.member, input.membershipId)),
});

export const rolesRouter = router({
  catalog: projectProcedure().query(() => ({ permissions: [...permissions], hiddenFields: [...hideableFields] })),

  list: projectProcedure("staff.manage").query(({ ctx }) => listRoles(ctx.tx)),

  update: projectProcedure("roles.manage")
    .input(
      z.object({
        roleId: id,
        name: z.string().trim().min(2).max(60).optional(),
        permissions: z.array(z.enum(permissions)).max(permissions.length).optional(),
        hiddenFields: z.array(z.enum(hideableFields)).max(hideableFields.length).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const role = await updateRole(ctx.tx, ctx.member, input.roleId, input);
      ctx.afterCommit(() => ctx.publish({ type: "role.updated", projectId: ctx.member.projectId, roleId: input.roleId }));
      return role;
    }),

  create: projectProcedure("roles.manage")
    .input(z.object({ name: z.string().trim().min(2).max(60), copyFromRoleId: id.optional() }))
    .mutation(async ({ ctx, input }) => {
      const role = await createRole(ctx.tx, ctx.member, input);
      return { id: role.id };
    }),
});

export const auditRouter = router({
  list: projectProcedure("audit.view")
    // `cursor`: the time of the oldest entry already shown; the next page is older.
    .input(z.object({ cursor: z.date().optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) => listAudit(ctx.tx, ctx.member.projectId, { limit: input.limit, before: input.cursor })),
});
