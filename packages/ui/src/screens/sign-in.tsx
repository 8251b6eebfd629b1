import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { Button } from "../components/button.tsx";
import { ErrorNote, Field, Input } from "../components/form.tsx";
import { Card } from "../components/layout.tsx";
import { useT } from "../i18n/index.ts";
import { fieldError, formError } from "../errors.ts";
import { useTRPC } from "../trpc.tsx";

/** Where to go after signing in: a path of this site only (never //other.host or a full URL). */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export function SignInScreen({ subtitle }: { subtitle: string }) {
  const t = useT();
  const trpc = useTRPC();
  const [params] = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      // A full navigation: every cached query starts fresh for the new session.
      onSuccess: () => window.location.assign(safeNext(params.get("next"))),
    }),
  );
  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <Card className="w-full max-w-sm p-6">
        <h1 className="text-lg font-semibold">{t("auth.signInTitle")}</h1>
        <p className="mb-5 text-sm text-slate-500">{subtitle}</p>
        {params.get("expired") && !signIn.error ? (
          <p className="mb-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800">{t("auth.sessionEnded")}</p>
        ) : null}
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            signIn.mutate({ email, password });
          }}
        >
          <Field label={t("auth.email")} htmlFor="email" error={fieldError(signIn.error, "email")}>
            <Input id="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Field label={t("auth.password")} htmlFor="password" error={fieldError(signIn.error, "password")}>
            <Input id="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <ErrorNote>{formError(signIn.error, ["email", "password"])}</ErrorNote>
          <Button type="submit" variant="primary" className="w-full" disabled={signIn.isPending}>
            {signIn.isPending ? t("auth.signingIn") : t("auth.signIn")}
          </Button>
        </form>
      </Card>
    </main>
  );
}
