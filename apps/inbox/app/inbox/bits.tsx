import { Badge, cn, useT } from "@threadline/ui";
import { avatarColour, initials } from "./format.ts";
import type { ChannelKind, Intent, Stage } from "./types.ts";

export function Avatar({ id, name, size = "md", muted }: { id: string; name: string; size?: "md" | "lg"; muted?: boolean }) {
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex shrink-0 select-none items-center justify-center rounded-full font-semibold",
        size === "lg" ? "h-14 w-14 text-lg" : "h-10 w-10 text-sm",
        muted ? "bg-slate-100 text-slate-400" : avatarColour(id),
      )}
    >
      {initials(name)}
    </span>
  );
}

/** «VK» in VK blue, «TG» in Telegram blue: the channel at a glance. */
export function ChannelMark({ kind, className }: { kind: ChannelKind; className?: string }) {
  const t = useT();
  return (
    <span
      title={t(`inbox.channelKind.${kind}`)}
      className={cn(
        "inline-flex h-4 shrink-0 items-center rounded px-1 text-[10px] font-bold leading-none tracking-wide text-white",
        kind === "vk" ? "bg-[#0077ff]" : "bg-[#229ed9]",
        className,
      )}
    >
      {kind === "vk" ? "VK" : "TG"}
    </span>
  );
}

const stageTone: Record<Stage, "slate" | "green" | "red" | "sky" | "amber"> = {
  new: "sky",
  bot: "slate",
  assigned: "slate",
  needs_human: "amber",
  low_quality: "slate",
  spam: "slate",
  won: "green",
  lost: "slate",
};

/** A stage's name; a stage the role may not see (a sale with payments hidden) reads «Скрыто». */
export function stageName(t: ReturnType<typeof useT>, stage: Stage | null): string {
  return stage ? t(`inbox.stage.${stage}`) : t("inbox.stageHidden");
}

export function StageBadge({ stage, className }: { stage: Stage | null; className?: string }) {
  const t = useT();
  return (
    <Badge tone={stage ? stageTone[stage] : "slate"} className={cn("px-1.5 py-0 text-[11px] leading-4 font-medium", className)}>
      {stageName(t, stage)}
    </Badge>
  );
}

const intentTone: Record<Intent, "slate" | "green" | "red" | "sky" | "amber"> = {
  purchase: "green",
  question: "sky",
  support: "amber",
  complaint: "red",
  spam: "slate",
};

/** What the client wants, as the agent read it: «Покупка», «Жалоба»… */
export function IntentBadge({ intent, className }: { intent: Intent | null; className?: string }) {
  const t = useT();
  if (!intent) return null;
  return (
    <Badge tone={intentTone[intent]} title={t("inbox.intentTitle")} className={cn("px-1.5 py-0 text-[11px] leading-4 font-medium", className)}>
      {t(`inbox.intent.${intent}`)}
    </Badge>
  );
}

export function AiMark() {
  const t = useT();
  return (
    <span title={t("inbox.aiTitle")} className="inline-flex h-4 items-center rounded border border-violet-200 bg-violet-50 px-1 text-[10px] font-semibold leading-none text-violet-700">
      {t("inbox.ai")}
    </span>
  );
}

export function InactiveMark() {
  const t = useT();
  return (
    <span title={t("inbox.inactiveTitle")} className="shrink-0 text-[11px] font-normal text-slate-400">
      {t("inbox.inactive")}
    </span>
  );
}

export function UnreadBadge({ count }: { count: number }) {
  const t = useT();
  if (count <= 0) return null;
  return (
    <span
      title={t("inbox.unreadCount", { count })}
      className="inline-flex h-5 min-w-5 shrink-0 items-center justify-center rounded-full bg-sky-600 px-1.5 text-[11px] font-semibold leading-none text-white"
    >
      {count >= 100 ? "99+" : count}
    </span>
  );
}
