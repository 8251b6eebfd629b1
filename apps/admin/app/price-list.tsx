import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Button, Card, ErrorNote, Table, Td, Th, errorMessage, errorText, useT, useTRPC, useTRPCClient } from "@threadline/ui";

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Price list import with a preview (new / changed / unchanged / errors per row) and export. */
export function PriceListImport({ projectId }: { projectId: string }) {
  const t = useT();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<string | null>(null);
  const preview = useMutation(trpc.catalog.previewImport.mutationOptions());
  const apply = useMutation(
    trpc.catalog.applyImport.mutationOptions({ onSuccess: () => (preview.reset(), void queryClient.invalidateQueries({ queryKey: trpc.catalog.get.queryKey({ projectId }) })) }),
  );
  const changes = preview.data?.filter((r) => r.status === "new" || r.status === "changed").length ?? 0;
  const errors = preview.data?.some((r) => r.status === "error") ?? false;

  async function download() {
    const csv = await client.catalog.exportCsv.query({ projectId });
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "price-list.csv";
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <Card className="space-y-3 p-4">
      <h2 className="font-semibold text-slate-900">{t("shop.importTitle")}</h2>
      <p className="text-sm text-slate-600">{t("shop.importHint")}</p>
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="file"
          aria-label={t("shop.importFile")}
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            preview.reset();
            apply.reset();
            setFile(f ? await base64Of(f) : null);
          }}
        />
        <Button size="sm" variant="outline" disabled={!file || preview.isPending} onClick={() => file && preview.mutate({ projectId, file })}>
          {t("shop.importPreview")}
        </Button>
        <Button size="sm" variant="ghost" onClick={() => void download()}>
          {t("shop.exportCsv")}
        </Button>
      </div>
      <ErrorNote>{errorMessage(preview.error) ?? errorMessage(apply.error)}</ErrorNote>
      {apply.data && <p role="status" className="text-sm text-emerald-700">{t("shop.importApplied", apply.data)}</p>}
      {preview.data && (
        <>
          <Table aria-label={t("shop.importTitle")}>
            <thead>
              <tr>
                <Th>{t("shop.rowNumber")}</Th>
                <Th>{t("shop.product")}</Th>
                <Th />
              </tr>
            </thead>
            <tbody>
              {preview.data.map((r) => (
                <tr key={r.row} data-testid="import-row">
                  <Td>{r.row}</Td>
                  <Td>{r.name}</Td>
                  <Td className={r.status === "error" ? "text-red-600" : ""}>
                    {r.status === "error" ? errorText(r.code, r.params) ?? r.code : t(`shop.rowStatus.${r.status}`)}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {changes === 0 && !errors ? (
            <p className="text-sm text-slate-500">{t("shop.importNothing")}</p>
          ) : (
            <Button size="sm" disabled={errors || apply.isPending} onClick={() => file && apply.mutate({ projectId, file })}>
              {t("shop.importApply", { count: changes })}
            </Button>
          )}
        </>
      )}
    </Card>
  );
}
