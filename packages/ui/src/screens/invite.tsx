import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Button } from "../components/button.tsx";
import { ErrorNote, Field, Input } from "../components/form.tsx";
import { Card } from "../components/layout.tsx";
import { useT } from "../i18n/index.ts";
import { errorMessage, fieldError, formError } from "../errors.ts";
import { useTRPC } from "../trpc.tsx";

/**
 * The page an invitation link opens. Signed in as the invited address: one button joins. Signed
 * out: sign in first (an existing account; no password is typed here), or create the account
 * with a name and password. The server says nothing about whether the address has an account.
 */
export function InviteScreen({ token, onAccepted }: { token: string; onAccepted: (projectId: string) => void }) {
  const t = useT();
  const trpc = useTRPC();
  const invitation = useQuery(trpc.auth.invitation.queryOptions({ token }, { retry: false }));
  const me = useQuery(trpc.auth.me.queryOptions());
  const accept = useMutation(trpc.auth.acceptInvitation.mutationOptions({ onSuccess: (r) => onAccepted(r.projectId) }));
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: () => window.location.reload() }));
  const data = invitation.data;
  const user = me.data?.user;
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <Card className="w-full max-w-sm p-6">
        {invitation.isPending || me.isPending ? <p className="text-sm text-slate-500">{t("common.loading")}</p> : null}
        {invitation.error ? <ErrorNote>{errorMessage(invitation.error)}</ErrorNote> : null}
        {data && !me.isPending ? (
          <>
            <h1 className="text-lg font-semibold">{t("auth.inviteTitle", { project: data.projectName })}</h1>
            <p className="mb-5 text-sm text-slate-500">
              {data.email} · {t("auth.inviteRole", { role: data.roleName })}
            </p>
            {user && user.email.toLowerCase() === data.email ? (
              <div className="space-y-4">
                <p className="text-sm">{t("auth.inviteSignedInAs", { email: user.email })}</p>
                <ErrorNote>{errorMessage(accept.error)}</ErrorNote>
                <Button variant="primary" className="w-full" disabled={accept.isPending} onClick={() => accept.mutate({ token })}>
                  {t("auth.inviteAccept")}
                </Button>
              </div>
            ) : user ? (
              <div className="space-y-4">
                <p className="text-sm">{t("auth.inviteOtherAccount", { email: data.email, me: user.email })}</p>
                <ErrorNote>{errorMessage(signOut.error)}</ErrorNote>
                <Button variant="outline" className="w-full" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
                  {t("common.signOut")}
                </Button>
              </div>
            ) : (
              <NewAccount token={token} email={data.email} accept={accept} />
            )}
          </>
        ) : null}
      </Card>
    </main>
  );
}

type Accept = { mutate: (input: { token: string; name: string; password: string }) => void; isPending: boolean; error: unknown };

function NewAccount({ token, email, accept }: { token: string; email: string; accept: Accept }) {
  const t = useT();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  return (
    <>
      <p className="mb-3 text-sm">
        {t("auth.inviteHaveAccount", { email })}{" "}
        <a className="font-medium text-sky-700 underline-offset-4 hover:underline" href={`/login?next=${encodeURIComponent(`/invite/${token}`)}`}>
          {t("auth.inviteSignInToAccept")}
        </a>
      </p>
      <p className="mb-3 text-sm text-slate-500">{t("auth.inviteNewAccount")}</p>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          accept.mutate({ token, name, password });
        }}
      >
        <Field label={t("auth.inviteName")} htmlFor="name" error={fieldError(accept.error, "name")}>
          <Input id="name" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t("auth.inviteNewPassword")} htmlFor="password" error={fieldError(accept.error, "password")}>
          <Input id="password" type="password" autoComplete="new-password" required minLength={8} value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <ErrorNote>{formError(accept.error, ["name", "password"])}</ErrorNote>
        <Button type="submit" variant="primary" className="w-full" disabled={accept.isPending}>
          {t("auth.inviteAccept")}
        </Button>
      </form>
    </>
  );
}
