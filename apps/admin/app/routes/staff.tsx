import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, Button, Card, ConfirmDialog, Dialog, ErrorNote, Field, Input, PageHeader, Select, Table, Td, Th, errorMessage, fieldError, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

export default function Staff() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId, me } = useProjectAccess();
  const members = useQuery(trpc.staff.list.queryOptions({ projectId }));
  const roles = useQuery(trpc.roles.list.queryOptions({ projectId }));
  const invitations = useQuery(trpc.staff.invitations.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.staff.pathKey() });
  // Every change says how it ended: «Сохранено», or the error.
  const [saved, setSaved] = useState(false);
  const done = { onSuccess: () => setSaved(true), onMutate: () => setSaved(false), onSettled: refresh };
  const [promoting, setPromoting] = useState<{ membershipId: string; roleId: string; name: string; roleName: string } | null>(null);
  const changeRole = useMutation(trpc.staff.changeRole.mutationOptions({ ...done, onSuccess: () => (setSaved(true), setPromoting(null)) }));
  const reactivate = useMutation(trpc.staff.reactivate.mutationOptions(done));
  const revoke = useMutation(trpc.staff.revokeInvitation.mutationOptions(done));
  const [inviteOpen, setInviteOpen] = useState(false);
  const [firing, setFiring] = useState<{ id: string; name: string; open: number } | null>(null);
  const [renewed, setRenewed] = useState<{ email: string; link: string } | null>(null);
  const renew = useMutation(trpc.staff.invitationLink.mutationOptions({ onMutate: () => setSaved(false) }));
  const deactivate = useMutation(
    trpc.staff.deactivate.mutationOptions({
      ...done,
      onSuccess: () => (setSaved(true), setFiring(null)),
    }),
  );
  const rowError = errorMessage(changeRole.error ?? reactivate.error ?? revoke.error ?? renew.error);
  /** Owner and administrator can do nearly anything: giving either role is confirmed first. */
  const pickRole = (m: { id: string; name: string }, roleId: string) => {
    const role = roles.data?.find((r) => r.id === roleId);
    if (role && (role.key === "owner" || role.key === "admin")) setPromoting({ membershipId: m.id, roleId, name: m.name, roleName: role.name });
    else changeRole.mutate({ projectId, membershipId: m.id, roleId });
  };

  return (
    <>
      <PageHeader
        title={t("admin.staff")}
        actions={
          <Button variant="primary" onClick={() => setInviteOpen(true)}>
            {t("admin.invite")}
          </Button>
        }
      />
      <ErrorNote>{rowError}</ErrorNote>
      {saved && !rowError ? (
        <p role="status" className="text-sm text-emerald-700">
          {t("common.saved")}
        </p>
      ) : null}
      <Card className="mt-3">
        <Table aria-label={t("admin.staff")}>
          <thead>
            <tr>
              <Th>{t("admin.name")}</Th>
              <Th>{t("auth.email")}</Th>
              <Th>{t("admin.role")}</Th>
              <Th>{t("admin.status")}</Th>
              <Th>{t("team.conversations")}</Th>
              <Th />
            </tr>
          </thead>
          <tbody>
            {members.data?.map((m) => (
              <tr key={m.id} data-testid={`member-${m.email}`}>
                <Td className="font-medium">{m.name}</Td>
                <Td className="text-slate-500">{m.email}</Td>
                <Td>
                  <Select
                    aria-label={`${t("admin.role")}: ${m.name}`}
                    className="h-8 w-48"
                    value={m.roleId}
                    disabled={!m.active || m.userId === me.user.id}
                    onChange={(e) => pickRole(m, e.target.value)}
                  >
                    {roles.data?.map((r) => (
                      <option key={r.id} value={r.id}>
                        {r.name}
                      </option>
                    ))}
                  </Select>
                </Td>
                <Td>{m.active ? <Badge tone="green">{t("admin.active")}</Badge> : <Badge tone="red">{t("admin.deactivated")}</Badge>}</Td>
                <Td data-testid="open-conversations">{m.openConversations}</Td>
                <Td className="text-right">
                  {m.userId === me.user.id ? null : m.active ? (
                    <Button size="sm" variant="outline" onClick={() => setFiring({ id: m.id, name: m.name, open: m.openConversations })}>
                      {t("admin.deactivate")}
                    </Button>
                  ) : (
                    <Button size="sm" variant="outline" onClick={() => reactivate.mutate({ projectId, membershipId: m.id })}>
                      {t("admin.reactivate")}
                    </Button>
                  )}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>

      {invitations.data && invitations.data.length > 0 ? (
        <>
          <h2 className="mb-2 mt-8 text-sm font-semibold text-slate-700">{t("admin.pendingInvitations")}</h2>
          <Card>
            <Table>
              <tbody>
                {invitations.data.map((i) => {
                  const state = i.acceptedAt ? "accepted" : i.revokedAt ? "revoked" : new Date(i.expiresAt) < new Date() ? "expired" : "pending";
                  return (
                    <tr key={i.id}>
                      <Td>{i.email}</Td>
                      <Td className="text-slate-500">{i.roleName}</Td>
                      <Td>
                        <Badge tone={state === "accepted" ? "green" : state === "pending" ? "sky" : "slate"}>
                          {t(`admin.invitation${state[0]!.toUpperCase()}${state.slice(1)}`)}
                        </Badge>
                      </Td>
                      <Td className="text-right">
                        {state === "pending" ? (
                          <>
                            <Button
                              size="sm"
                              variant="ghost"
                              disabled={renew.isPending}
                              onClick={() => renew.mutate({ projectId, invitationId: i.id }, { onSuccess: (r) => setRenewed({ email: i.email, link: r.link }) })}
                            >
                              {t("admin.inviteLinkAgain")}
                            </Button>
                            <Button size="sm" variant="ghost" onClick={() => revoke.mutate({ projectId, invitationId: i.id })}>
                              {t("admin.revoke")}
                            </Button>
                          </>
                        ) : null}
                      </Td>
                    </tr>
                  );
                })}
              </tbody>
            </Table>
          </Card>
        </>
      ) : null}

      <InviteDialog open={inviteOpen} onOpenChange={setInviteOpen} projectId={projectId} roles={roles.data ?? []} onInvited={refresh} />
      <ConfirmDialog
        open={!!promoting}
        onOpenChange={(o) => !o && setPromoting(null)}
        title={t("admin.promoteTitle", { role: promoting?.roleName ?? "" })}
        description={t("admin.promoteText", { name: promoting?.name ?? "", role: promoting?.roleName ?? "" })}
        confirmLabel={t("admin.promote")}
        cancelLabel={t("common.cancel")}
        pending={changeRole.isPending}
        onConfirm={() => promoting && changeRole.mutate({ projectId, membershipId: promoting.membershipId, roleId: promoting.roleId })}
      />
      <Dialog open={!!renewed} onOpenChange={(o) => !o && setRenewed(null)} title={t("admin.inviteLinkAgain")}>
        {renewed ? <LinkToCopy link={renewed.link} hint={t("admin.inviteLinkRenewed", { email: renewed.email })} onDone={() => setRenewed(null)} /> : null}
      </Dialog>
      <FireDialog
        firing={firing}
        onClose={() => {
          setFiring(null);
          deactivate.reset();
        }}
        targets={(members.data ?? []).filter((m) => m.active && m.worksInbox && m.id !== firing?.id)}
        pending={deactivate.isPending}
        error={errorMessage(deactivate.error) ?? null}
        onConfirm={(reassignTo) => firing && deactivate.mutate({ projectId, membershipId: firing.id, reassignTo })}
      />
    </>
  );
}

/**
 * Firing asks, in the same dialog, who takes the member's conversations: the rotation, or one
 * member chosen here. Nothing stays with the fired member.
 */
function FireDialog({
  firing,
  onClose,
  targets,
  pending,
  error,
  onConfirm,
}: {
  firing: { id: string; name: string; open: number } | null;
  onClose: () => void;
  targets: { id: string; name: string }[];
  pending: boolean;
  error: string | null;
  onConfirm: (reassignTo: string | null) => void;
}) {
  const t = useT();
  const [mode, setMode] = useState<"rotation" | "member">("rotation");
  const [to, setTo] = useState("");
  const chosen = to || targets[0]?.id || "";
  return (
    <Dialog open={!!firing} onOpenChange={(o) => !o && onClose()} title={t("admin.deactivateTitle")} description={t("admin.deactivateText", { name: firing?.name ?? "" })}>
      <div className="space-y-3">
        {firing && firing.open > 0 ? (
          <fieldset className="space-y-2 text-sm">
            <legend className="mb-1 font-medium">{t("team.reassignLegend", { count: firing.open })}</legend>
            <label className="flex items-center gap-2">
              <input type="radio" name="reassign" checked={mode === "rotation"} onChange={() => setMode("rotation")} />
              {t("team.reassignRotation")}
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="reassign" checked={mode === "member"} onChange={() => setMode("member")} />
              {t("team.reassignMember")}
            </label>
            {mode === "member" ? (
              <Select aria-label={t("team.reassignTo")} value={chosen} onChange={(e) => setTo(e.target.value)}>
                {targets.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </Select>
            ) : null}
            <p className="text-slate-500">{t("team.reassignHint")}</p>
          </fieldset>
        ) : null}
        <ErrorNote>{error}</ErrorNote>
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={onClose}>
            {t("common.cancel")}
          </Button>
          <Button variant="destructive" disabled={pending || (mode === "member" && !chosen)} onClick={() => onConfirm(mode === "member" && firing && firing.open > 0 ? chosen : null)}>
            {t("admin.deactivate")}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}

function InviteDialog({
  open,
  onOpenChange,
  projectId,
  roles,
  onInvited,
}: {
  open: boolean;
  onOpenChange: (o: boolean) => void;
  projectId: string;
  roles: { id: string; key: string; name: string }[];
  onInvited: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [roleId, setRoleId] = useState("");
  const invite = useMutation(trpc.staff.invite.mutationOptions({ onSuccess: onInvited }));
  const defaultRole = roles.find((r) => r.key === "manager")?.id ?? roles[0]?.id ?? "";
  const close = (o: boolean) => {
    onOpenChange(o);
    if (!o) {
      invite.reset();
      setEmail("");
    }
  };
  return (
    <Dialog open={open} onOpenChange={close} title={t("admin.invite")}>
      {invite.data ? (
        <LinkToCopy link={invite.data.link} hint={t("admin.inviteLink")} onDone={() => close(false)} />
      ) : (
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            invite.mutate({ projectId, email, roleId: roleId || defaultRole });
          }}
        >
          <Field label={t("admin.inviteEmail")} htmlFor="invite-email" error={fieldError(invite.error, "email")}>
            <Input id="invite-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Field label={t("admin.inviteRole")} htmlFor="invite-role">
            <Select id="invite-role" value={roleId || defaultRole} onChange={(e) => setRoleId(e.target.value)}>
              {roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </Select>
          </Field>
          <ErrorNote>{formError(invite.error, ["email"])}</ErrorNote>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="outline" onClick={() => close(false)}>
              {t("common.cancel")}
            </Button>
            <Button type="submit" variant="primary" disabled={invite.isPending}>
              {t("admin.invite")}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** An invitation link with its copy button. */
function LinkToCopy({ link, hint, onDone }: { link: string; hint: string; onDone: () => void }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600">{hint}</p>
      <Input readOnly value={link} aria-label={t("admin.inviteLink")} onFocus={(e) => e.target.select()} />
      <div className="flex justify-end gap-2">
        <Button
          variant="outline"
          onClick={() => {
            void navigator.clipboard?.writeText(link);
            setCopied(true);
          }}
        >
          {copied ? t("admin.copied") : t("admin.copy")}
        </Button>
        <Button onClick={onDone}>OK</Button>
      </div>
    </div>
  );
}
