import { CircleHelp } from "lucide-react";
import { useT } from "../i18n/index.ts";

/**
 * «Помощь»: the help center's page about the screen the person is on, in a new tab. The app's own
 * `/help/<page>` redirects to it (the help center's address is the server's PUBLIC_DOCS_URL).
 */
export function HelpLink({ page }: { page: string }) {
  const t = useT();
  return (
    <a
      href={`/help/${page}`}
      target="_blank"
      rel="noopener noreferrer"
      title={t("help.title")}
      aria-label={t("help.link")}
      data-testid="help-link"
      className="inline-flex items-center justify-center gap-1 rounded px-2 py-1 text-sm text-slate-500 hover:bg-slate-100 hover:text-slate-800 max-md:min-w-11"
    >
      <CircleHelp className="h-4 w-4" aria-hidden />
      <span className="hidden sm:inline">{t("help.link")}</span>
    </a>
  );
}
