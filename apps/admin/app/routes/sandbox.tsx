import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ErrorNote, PageHeader, Textarea, formError, useT, useTRPC } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";

type Action = "greet" | "answer" | "ask_phone" | "ask_field" | "confirm" | "handoff" | "decline";
type Entry =
  | { author: "client"; text: string }
  | { author: "agent"; text: string; action: Action; passages?: { id: string; title: string; text: string }[]; rules?: string[]; handoff?: boolean };
const RULES = ["passage", "objection", "unknown_price_or_term", "number_guard", "catalog_price", "catalog_option", "catalog_unavailable", "upsell", "fact", "faq", "collect"] as const;
type Known = { phone?: string | null; name?: string | null; email?: string | null };

/** «Проверить агента»: the owner writes as a client; the conversation lives only on this page. */
export default function Sandbox() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [known, setKnown] = useState<Known>({});
  const [draft, setDraft] = useState("");
  const turn = useMutation(trpc.agent.sandbox.mutationOptions());

  const send = (e: React.FormEvent) => {
    e.preventDefault();
    const text = draft.trim();
    if (!text || turn.isPending) return;
    const next: Entry[] = [...entries, { author: "client", text }];
    setEntries(next);
    setDraft("");
    turn.mutate(
      { projectId, known, messages: next.map((m) => (m.author === "agent" ? { author: "agent", text: m.text, action: m.action } : { author: "client", text: m.text })) },
      {
        onSuccess: (answer) => {
          setKnown(answer.known);
          const handoff = answer.stage === "assigned" || answer.stage === "needs_human";
          setEntries([
            ...next,
            ...answer.replies.map((r, i, all) => ({
              author: "agent" as const,
              text: r.text,
              action: r.action,
              // What the turn used is shown once, under its last reply.
              ...(i === all.length - 1 ? { passages: answer.passages, rules: answer.rules, handoff } : {}),
            })),
          ]);
        },
      },
    );
  };

  return (
    <>
      <PageHeader title={t("sandbox.title")} description={t("sandbox.hint")} />
      <Card className="max-w-3xl p-5">
        <ol aria-label={t("sandbox.title")} className="mb-4 space-y-3">
          {entries.map((m, i) => (
            <li key={i} className={m.author === "client" ? "ml-auto max-w-[80%] rounded-lg bg-sky-50 px-3 py-2" : "max-w-[90%] rounded-lg bg-slate-100 px-3 py-2"}>
              <div className="text-xs font-medium text-slate-500">{m.author === "client" ? t("sandbox.you") : t("sandbox.agent")}</div>
              <p className="whitespace-pre-wrap text-sm text-slate-900">{m.text}</p>
              {m.author === "agent" && m.rules ? <Used passages={m.passages ?? []} rules={m.rules} handoff={!!m.handoff} /> : null}
            </li>
          ))}
          {turn.isPending ? <li className="text-sm text-slate-500">{t("sandbox.thinking")}</li> : null}
        </ol>
        <form className="space-y-3" onSubmit={send}>
          <Textarea
            aria-label={t("sandbox.placeholder")}
            rows={3}
            maxLength={2000}
            value={draft}
            placeholder={t("sandbox.placeholder")}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) send(e);
            }}
          />
          <ErrorNote>{formError(turn.error, [])}</ErrorNote>
          <div className="flex gap-2">
            <Button type="submit" variant="primary" disabled={turn.isPending || !draft.trim()}>
              {t("sandbox.send")}
            </Button>
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setEntries([]);
                setKnown({});
                turn.reset();
              }}
            >
              {t("sandbox.reset")}
            </Button>
          </div>
        </form>
      </Card>
    </>
  );
}

function Used({ passages, rules, handoff }: { passages: { id: string; title: string; text: string }[]; rules: string[]; handoff: boolean }) {
  const t = useT();
  return (
    <div className="mt-2 space-y-1 border-t border-slate-200 pt-2 text-xs text-slate-600">
      {passages.length === 0 && rules.length === 0 ? <p>{t("sandbox.nothingUsed")}</p> : null}
      {passages.length ? (
        <div>
          <div className="font-medium">{t("sandbox.passages")}</div>
          <ul className="list-disc pl-4">
            {passages.map((p) => (
              <li key={p.id}>
                <span className="font-medium">{p.title}</span>: {p.text}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {rules.length ? (
        <div>
          <span className="font-medium">{t("sandbox.rules")}:</span> {rules.map((r) => ruleLabel(t, r)).join(", ")}
        </div>
      ) : null}
      {handoff ? <p className="font-medium text-amber-700">{t("sandbox.handoff")}</p> : null}
    </div>
  );
}

/** A rule's name as people read it: «частый вопрос: доставка», «сбор данных: name». */
function ruleLabel(t: ReturnType<typeof useT>, rule: string): string {
  const [head = "", ...rest] = rule.split(":");
  const known = (RULES as readonly string[]).includes(head) ? t(`sandbox.rule.${head as (typeof RULES)[number]}`) : head;
  return rest.length ? `${known}: ${rest.join(":")}` : known;
}
