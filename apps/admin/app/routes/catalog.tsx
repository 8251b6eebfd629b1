import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ConfirmDialog, EmptyState, ErrorNote, Field, Input, PageHeader, Switch, Table, Td, Textarea, Th, errorMessage, errorText, useT, useTRPC, formatMoney } from "@threadline/ui";
import { useProjectAccess } from "../session.ts";
import { optionsText, parseOptions, parsePrice, priceText } from "../catalog-form.ts";
import { PriceListImport } from "../price-list.tsx";

type Product = { id: string; name: string; category: string | null; description: string; priceMinor: number; available: boolean; options: { group: string; name: string; priceDeltaMinor: number }[]; upsell: string[] };

/** The price list: products by category with price, add-ons, stop-list and up-sells; the menu bot per channel. */
export default function Catalog() {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { projectId } = useProjectAccess();
  const catalog = useQuery(trpc.catalog.get.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.catalog.get.queryKey({ projectId }) });
  const setAvailable = useMutation(trpc.catalog.setAvailable.mutationOptions({ onSettled: refresh }));
  const archive = useMutation(trpc.catalog.archive.mutationOptions({ onSuccess: () => setRemoving(null), onSettled: refresh }));
  const [editing, setEditing] = useState<Product | null>(null);
  const [removing, setRemoving] = useState<Product | null>(null);
  const currency = catalog.data?.currency ?? "RUB";

  return (
    <>
      <PageHeader title={t("shop.catalogTitle")} description={t("shop.catalogHint")} />
      <div className="grid gap-6 lg:grid-cols-[1fr_380px]">
        <div className="space-y-6">
          <Card>
            {catalog.data?.products.length === 0 ? (
              <EmptyState title={t("shop.catalogEmpty")} hint={t("shop.catalogEmptyHint")} />
            ) : (
              <Table aria-label={t("shop.catalogTitle")}>
                <thead>
                  <tr>
                    <Th>{t("shop.product")}</Th>
                    <Th>{t("shop.category")}</Th>
                    <Th>{t("shop.price", { currency })}</Th>
                    <Th>{t("shop.options")}</Th>
                    <Th>{t("shop.inStock")}</Th>
                    <Th />
                  </tr>
                </thead>
                <tbody>
                  {catalog.data?.products.map((p) => (
                    <tr key={p.id} data-testid="catalog-row">
                      <Td>
                        <div className="font-medium text-slate-900">{p.name}</div>
                        {p.upsell.length > 0 && <div className="text-xs text-slate-500">+ {p.upsell.join(", ")}</div>}
                      </Td>
                      <Td>{p.category ?? "—"}</Td>
                      <Td>{formatMoney(p.priceMinor, currency)}</Td>
                      <Td className="text-xs text-slate-600">{p.options.map((o) => `${o.name}${o.priceDeltaMinor ? ` +${formatMoney(o.priceDeltaMinor, currency)}` : ""}`).join(", ")}</Td>
                      <Td>
                        <Switch
                          aria-label={`${t("shop.inStock")}: ${p.name}`}
                          checked={p.available}
                          onCheckedChange={(available) => setAvailable.mutate({ projectId, productId: p.id, available })}
                        />
                        {!p.available && <span className="ml-2 text-xs text-red-600">{t("shop.stopList")}</span>}
                      </Td>
                      <Td className="whitespace-nowrap">
                        <Button size="sm" variant="outline" onClick={() => setEditing(p)}>
                          {t("shop.edit")}
                        </Button>
                        <Button size="sm" variant="ghost" onClick={() => setRemoving(p)}>
                          {t("shop.archive")}
                        </Button>
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
            <ErrorNote>{errorMessage(setAvailable.error)}</ErrorNote>
          </Card>
          <PriceListImport projectId={projectId} />
          <MenuBotChannels projectId={projectId} />
        </div>
        <ProductForm key={editing?.id ?? "new"} projectId={projectId} currency={currency} editing={editing} onDone={() => (setEditing(null), void refresh())} />
      </div>
      <ConfirmDialog
        open={!!removing}
        onOpenChange={(open) => !open && setRemoving(null)}
        title={t("shop.archiveTitle")}
        description={t("shop.archiveText", { name: removing?.name ?? "" })}
        confirmLabel={t("shop.archive")}
        cancelLabel={t("common.cancel")}
        pending={archive.isPending}
        onConfirm={() => removing && archive.mutate({ projectId, productId: removing.id })}
      />
    </>
  );
}

function ProductForm({ projectId, currency, editing, onDone }: { projectId: string; currency: string; editing: Product | null; onDone: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const [name, setName] = useState(editing?.name ?? "");
  const [category, setCategory] = useState(editing?.category ?? "");
  const [price, setPrice] = useState(editing ? priceText(editing.priceMinor) : "");
  const [description, setDescription] = useState(editing?.description ?? "");
  const [options, setOptions] = useState(editing ? optionsText(editing.options) : "");
  const [upsell, setUpsell] = useState(editing?.upsell.join(", ") ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation(trpc.catalog.save.mutationOptions({ onSuccess: onDone }));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const priceMinor = parsePrice(price);
    if (priceMinor === null) return setProblem(t("shop.priceInvalid"));
    const parsed = parseOptions(options);
    if ("badLine" in parsed) return setProblem(t("shop.optionInvalid", { line: parsed.badLine }));
    setProblem(null);
    save.mutate({
      projectId,
      products: [
        {
          name,
          category: category || undefined,
          description,
          priceMinor,
          available: editing?.available ?? true,
          options: parsed.options,
          upsell: upsell.split(",").map((s) => s.trim()).filter(Boolean),
        },
      ],
    });
  }

  return (
    <Card className="space-y-4 p-4">
      <form className="space-y-4" onSubmit={submit} aria-label={t("shop.product")}>
        <Field label={t("shop.product")} htmlFor="product-name">
          <Input id="product-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <Field label={t("shop.category")} htmlFor="product-category">
          <Input id="product-category" value={category} onChange={(e) => setCategory(e.target.value)} maxLength={200} />
        </Field>
        <Field label={t("shop.price", { currency })} htmlFor="product-price">
          <Input id="product-price" value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" required />
        </Field>
        <Field label={t("shop.description")} htmlFor="product-description">
          <Textarea id="product-description" value={description} onChange={(e) => setDescription(e.target.value)} rows={2} maxLength={2000} />
        </Field>
        <Field label={t("shop.options")} htmlFor="product-options">
          <Textarea id="product-options" value={options} onChange={(e) => setOptions(e.target.value)} rows={3} />
        </Field>
        <p className="-mt-2 text-xs text-slate-500">{t("shop.optionsHint")}</p>
        <Field label={t("shop.upsell")} htmlFor="product-upsell">
          <Input id="product-upsell" value={upsell} onChange={(e) => setUpsell(e.target.value)} placeholder={t("shop.upsellHint")} />
        </Field>
        {editing && <PhotoUpload projectId={projectId} productId={editing.id} />}
        <ErrorNote>{problem ?? errorMessage(save.error)}</ErrorNote>
        <Button type="submit" disabled={save.isPending}>
          {t("shop.save")}
        </Button>
      </form>
    </Card>
  );
}

/** The product's photo, sent as the body to /catalog/photo (checked there: type by its bytes, 5 MB). */
function PhotoUpload({ projectId, productId }: { projectId: string; productId: string }) {
  const t = useT();
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  return (
    <div className="space-y-1">
      <label htmlFor="product-photo" className="text-sm font-medium text-slate-800">
        {t("shop.photo")}
      </label>
      <input
        id="product-photo"
        type="file"
        accept="image/jpeg,image/png,image/webp"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          const res = await fetch(`/catalog/photo?projectId=${projectId}&productId=${productId}`, { method: "POST", body: file, headers: { "content-type": file.type || "application/octet-stream" } });
          const body = (await res.json().catch(() => ({}))) as { errorCode?: string; params?: Record<string, string | number>; error?: string };
          setNote(res.ok ? { ok: true, text: t("shop.photoSaved") } : { ok: false, text: (body.errorCode && errorText(body.errorCode, body.params)) || body.error || String(res.status) });
        }}
      />
      <p className="text-xs text-slate-500">{t("shop.photoHint")}</p>
      {note && (note.ok ? <p role="status" className="text-xs text-emerald-700">{note.text}</p> : <ErrorNote>{note.text}</ErrorNote>)}
    </div>
  );
}

function MenuBotChannels({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.catalog.menuChannels.queryOptions({ projectId }));
  const toggle = useMutation(trpc.catalog.setMenuBot.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.catalog.menuChannels.queryKey({ projectId }) }) }));
  return (
    <Card className="space-y-3 p-4">
      <h2 className="font-semibold text-slate-900">{t("shop.menuBot")}</h2>
      <p className="text-sm text-slate-600">{t("shop.menuBotHint")}</p>
      {list.data?.length === 0 && <p className="text-sm text-slate-500">{t("shop.noChannels")}</p>}
      <ul className="space-y-2">
        {list.data?.map((c) => (
          <li key={c.id} className="flex items-center gap-3 text-sm">
            <Switch aria-label={`${t("shop.menuBot")}: ${c.name}`} checked={c.menuBot} onCheckedChange={(enabled) => toggle.mutate({ projectId, channelId: c.id, enabled })} />
            <span>{c.name}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
