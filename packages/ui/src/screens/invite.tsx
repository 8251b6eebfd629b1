import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../components/button.tsx";
import { ErrorNote, Field, Input } from "../components/form.tsx";
import { Card } from "../components/layout.tsx";
import { useT } from "../i18n/index.ts";
import { errorMessage, useTRPC } from "../trpc.tsx";

/** The page an invitation link opens: set a name and password (or confirm yours) and join. */
export function InviteScreen({ token, onAccepted }: { token: string; onAccepted: (projectId: string) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const invitation = useQuery(trpc.auth.invitation.queryOptions({ token }, { retry: false }));
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const accept = useMutation(trpc.auth.acceptInvitation.mutationOptions({ onSuccess: (r) => onAccepted(r.projectId) }));
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <Card className="w-full max-w-sm p-6">
        {invitation.isPending ? <p className="text-sm text-slate-500">{t("common.loading")}</p> : null}
        {invitation.error ? <ErrorNote>{errorMessage(invitation.error)}</ErrorNote> : null}
        {invitation.data ? (
          <>
            <h1 className="text-lg font-semibold">{t("auth.inviteTitle", { project: invitation.data.projectName })}</h1>
            <p className="mb-5 text-sm text-slate-500">
              {invitation.data.email} · {t("auth.inviteRole", { role: invitation.data.roleName })}
            </p>
            <form
              className="space-y-4"
              onSubmit={(e) => {
                e.preventDefault();
                accept.mutate({ token, name: invitation.data.hasAccount ? undefined : name, password });
              }}
            >
              {invitation.data.hasAccount ? null : (
                <Field label={t("auth.inviteName")} htmlFor="name">
                  <Input id="name" required value={name} onChange={(e) => setName(e.target.value)} />
                </Field>
              )}
              <Field label={invitation.data.hasAccount ? t("auth.inviteExistingPassword") : t("auth.inviteNewPassword")} htmlFor="password">
                <Input
                  id="password"
                  type="password"
                  autoComplete={invitation.data.hasAccount ? "current-password" : "new-password"}
                  required
                  minLength={invitation.data.hasAccount ? 1 : 8}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </Field>
              <ErrorNote>{errorMessage(accept.error)}</ErrorNote>
              <Button type="submit" variant="primary" className="w-full" disabled={accept.isPending}>
                {t("auth.inviteAccept")}
              </Button>
            </form>
          </>
        ) : null}
      </Card>
    </main>
  );
}
