import { useQuery } from "@tanstack/react-query";
import { AlertTriangle } from "lucide-react";
import { storedErrorText } from "../errors.ts";
import { useT } from "../i18n/index.ts";
import { useTRPC } from "../trpc.tsx";

/**
 * A banner for every channel in the error state, with the reason (a revoked token, repeated
 * failures), in admin and in the inbox; gone once the channel works again.
 */
export function ChannelHealthBanner({ projectId, hint }: { projectId: string; hint: "admin" | "inbox" }) {
  const t = useT();
  const trpc = useTRPC();
  const problems = useQuery({ ...trpc.channelHealth.problems.queryOptions({ projectId }), refetchInterval: 60_000 });
  if (!problems.data?.length) return null;
  return (
    <div role="alert" data-testid="channel-health" className="space-y-1 border-b border-red-200 bg-red-50 px-4 py-2 text-sm text-red-800">
      {problems.data.map((c) => (
        <p key={c.id} className="flex items-start gap-2">
          <AlertTriangle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
          <span>
            {t("channelHealth.broken", { name: c.name, reason: storedErrorText(c.errorCode) ?? "" })} {t(hint === "admin" ? "channelHealth.fixAdmin" : "channelHealth.fixInbox")}
          </span>
        </p>
      ))}
    </div>
  );
}
