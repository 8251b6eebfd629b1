import { SignInScreen, useT } from "@threadline/ui";

export default function Login() {
  const t = useT();
  return <SignInScreen subtitle={t("admin.title")} />;
}
