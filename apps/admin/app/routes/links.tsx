import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { useEffect, useState } from "react";
import { Button, Card, EmptyState, ErrorNote, Field, Input, PageHeader, Select, Table, Td, Th, errorMessage, useT, useTRPC, formatMoneyOrDash } from "@threadline/ui";
import { PeriodPicker, useUrlPeriod } from "../analytics/period.tsx";
import { useProjectAccess } from "../session.ts";

type Kind = "telegram" | "vk";

/** Links for advertising: a campaign's Telegram or VK link with its tags, and what each link brought. */
export default function Links() {
  const t = useT();
  const trpc = useTRPC();
  const { projectId } = useProjectAccess();
  const queryClient = useQueryClient();
  const [period, setPeriod] = useUrlPeriod();
  const list = useQuery({ ...trpc.analytics.links.queryOptions({ projectId, period: period ?? undefined }), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries(trpc.analytics.links.queryFilter({ projectId }));
  const remove = useMutation(trpc.analytics.deleteLink.mutationOptions({ onSettled: refresh }));
  const [qrFor, setQrFor] = useState<string | null>(null);
  const data = list.data;

  return (
    <>
      <PageHeader title={t("links.title")} description={t("links.hint")} />
      <LinkForm projectId={projectId} onSaved={refresh} />
      <ErrorNote>{errorMessage(list.error ?? remove.error)}</ErrorNote>
      <div className="mt-6">
        <PeriodPicker value={period} onChange={setPeriod} onAll={() => setPeriod(null)} />
      </div>
      {data ? (
        <Card className="mt-3">
          {data.links.length === 0 ? (
            <EmptyState title={t("links.none")} />
          ) : (
            <Table aria-label={t("links.list")}>
              <thead>
                <tr>
                  <Th>{t("links.name")}</Th>
                  <Th>{t("links.link")}</Th>
                  <Th className="text-right">{t("analytics.leads")}</Th>
                  {data.seesPayments ? <Th className="text-right">{t("links.sales")}</Th> : null}
                  {data.seesPayments ? <Th className="text-right">{t("analytics.revenue")}</Th> : null}
                  <Th />
                </tr>
              </thead>
              <tbody>
                {data.links.map((l) => (
                  <tr key={l.id}>
                    <Td>
                      {l.name}
                      <span className="block text-xs text-slate-400">
                        {t(`links.kinds.${l.kind}`)} · {[l.tags.source, l.tags.medium, l.tags.campaign, l.tags.content, l.refSource].filter(Boolean).join(" / ")}
                      </span>
                    </Td>
                    <Td>
                      <code className="break-all text-xs">{l.url}</code>
                      {qrFor === l.id ? <Qr url={l.url} name={l.name} /> : null}
                    </Td>
                    <Td className="text-right">{l.leads}</Td>
                    {data.seesPayments ? <Td className="text-right">{l.sales}</Td> : null}
                    {data.seesPayments ? <Td className="text-right font-medium">{formatMoneyOrDash(l.revenue, data.currency)}</Td> : null}
                    <Td className="whitespace-nowrap text-right">
                      <CopyButton text={l.url} />{" "}
                      <Button variant="outline" size="sm" onClick={() => setQrFor(qrFor === l.id ? null : l.id)}>
                        {t("links.qr")}
                      </Button>{" "}
                      <Button
                        variant="outline"
                        size="sm"
                        onClick={() => {
                          if (window.confirm(t("links.deleteConfirm", { name: l.name }))) remove.mutate({ projectId, linkId: l.id });
                        }}
                      >
                        {t("links.delete")}
                      </Button>
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>
      ) : null}
    </>
  );
}

function CopyButton({ text }: { text: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="outline"
      size="sm"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        });
      }}
    >
      {copied ? t("links.copied") : t("links.copy")}
    </Button>
  );
}

/** The link as a QR code (drawn in the browser), with a PNG to download for print. */
function Qr({ url, name }: { url: string; name: string }) {
  const t = useT();
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void QRCode.toDataURL(url, { margin: 1, width: 240 }).then((data) => live && setSrc(data));
    return () => {
      live = false;
    };
  }, [url]);
  if (!src) return null;
  return (
    <div className="mt-2">
      <img src={src} alt={t("links.qrAlt", { name })} width={160} height={160} />
      <a className="text-xs text-sky-700 hover:underline" href={src} download={`${name}.png`}>
        {t("links.qrDownload")}
      </a>
    </div>
  );
}

function LinkForm({ projectId, onSaved }: { projectId: string; onSaved: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [kind, setKind] = useState<Kind>("telegram");
  const [name, setName] = useState("");
  const [target, setTarget] = useState("");
  const [tags, setTags] = useState({ source: "", medium: "", campaign: "", content: "", refSource: "" });
  const create = useMutation(
    trpc.analytics.createLink.mutationOptions({
      onSuccess: () => {
        setName("");
        onSaved();
      },
    }),
  );
  const tag = (key: keyof typeof tags) => (
    <Field label={t(`links.tags.${key}`)} htmlFor={`link-${key}`}>
      <Input id={`link-${key}`} value={tags[key]} onChange={(e) => setTags({ ...tags, [key]: e.target.value })} />
    </Field>
  );
  return (
    <Card className="max-w-3xl p-6">
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const { refSource, ...utm } = tags;
          create.mutate({ projectId, kind, name, target, ...utm, refSource: kind === "vk" ? refSource : undefined });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label={t("links.kind")} htmlFor="link-kind">
            <Select id="link-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              <option value="telegram">{t("links.kinds.telegram")}</option>
              <option value="vk">{t("links.kinds.vk")}</option>
            </Select>
          </Field>
          <Field label={t(`links.target.${kind}`)} htmlFor="link-target">
            <Input id="link-target" required value={target} placeholder={kind === "telegram" ? "shop_bot" : "club123"} onChange={(e) => setTarget(e.target.value)} />
          </Field>
          <Field label={t("links.name")} htmlFor="link-name">
            <Input id="link-name" required value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
        </div>
        <div className="grid gap-4 sm:grid-cols-4">
          {tag("source")}
          {tag("medium")}
          {tag("campaign")}
          {tag("content")}
        </div>
        {kind === "vk" ? <div className="max-w-xs">{tag("refSource")}</div> : null}
        <ErrorNote>{errorMessage(create.error)}</ErrorNote>
        {create.data ? (
          <p className="text-sm text-emerald-700">
            {t("links.made")} <code className="break-all">{create.data.url}</code>
          </p>
        ) : null}
        <Button type="submit" disabled={create.isPending}>
          {t("links.make")}
        </Button>
      </form>
    </Card>
  );
}
