import * as Menu from "@radix-ui/react-dropdown-menu";
import { useMutation } from "@tanstack/react-query";
import { ChevronDown, LogOut, UserRound } from "lucide-react";
import { setLanguage, useT, i18next } from "../i18n/index.ts";
import { useTRPC } from "../trpc.tsx";

const item = "flex cursor-pointer select-none items-center gap-2 rounded px-2 py-1.5 text-sm outline-none data-[highlighted]:bg-slate-100";

export function UserMenu({ name, email }: { name: string; email: string }) {
  const t = useT();
  const trpc = useTRPC();
  const toLogin = () => window.location.assign("/login");
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: toLogin }));
  const everywhere = useMutation(trpc.auth.signOutEverywhere.mutationOptions({ onSuccess: toLogin }));
  return (
    <Menu.Root>
      <Menu.Trigger className="flex items-center gap-1 rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100" aria-label={name}>
        {/* A phone shows only the icon; the name is the menu's label. */}
        <UserRound className="h-4 w-4 sm:hidden" aria-hidden />
        <span className="hidden max-w-40 truncate sm:inline">{name}</span>
        <ChevronDown className="h-4 w-4" />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content align="end" sideOffset={4} className="z-50 min-w-56 rounded-md border border-slate-200 bg-white p-1 shadow-lg">
          <div className="px-2 py-1.5 text-xs text-slate-500">{email}</div>
          <Menu.Separator className="my-1 h-px bg-slate-100" />
          <Menu.Item className={item} onSelect={() => setLanguage(i18next.language === "ru" ? "en" : "ru")}>
            {t("common.language")}: {i18next.language === "ru" ? "English" : "Русский"}
          </Menu.Item>
          <Menu.Item className={item} onSelect={() => signOut.mutate()}>
            <LogOut className="h-4 w-4" /> {t("common.signOut")}
          </Menu.Item>
          <Menu.Item className={item} onSelect={() => everywhere.mutate()}>
            {t("common.signOutEverywhere")}
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
