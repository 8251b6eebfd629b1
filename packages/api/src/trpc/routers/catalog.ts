import { z } from "zod";
import { archiveProduct, loadCatalog, setProductAvailable, upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { MAX_PRICE_MINOR } from "@threadline/domain/catalog/write.ts";
import { can } from "@threadline/domain/access/member.ts";
import { forbidden, notFound } from "@threadline/domain/errors.ts";
import { listMenuChannels, setMenuBot } from "@threadline/domain/menu/settings.ts";
import { applyPriceList, exportPriceList, MAX_PRICE_LIST_BYTES, previewPriceList, readPriceListFile } from "@threadline/domain/catalog/price-list.ts";
import { projectProcedure, router } from "../init.ts";

const id = z.string().uuid();
const name = z.string().max(200);
const product = z.object({
  name,
  category: name.optional(),
  description: z.string().max(2000).optional(),
  priceMinor: z.number().int().max(MAX_PRICE_MINOR),
  available: z.boolean().optional(),
  options: z.array(z.object({ group: name.optional(), name, priceDeltaMinor: z.number().int().max(MAX_PRICE_MINOR), available: z.boolean().optional() })).max(50).optional(),
  upsell: z.array(name).max(20).optional(),
});

/** The price list: read by those who take orders or keep it; written by those who keep it. */
export const catalogRouter = router({
  get: projectProcedure().query(({ ctx }) => {
    if (!can(ctx.member, "catalog.manage") && !can(ctx.member, "inbox.use") && !can(ctx.member, "orders.manage")) throw forbidden();
    return loadCatalog(ctx.tx);
  }),

  save: projectProcedure("catalog.manage")
    .input(z.object({ products: z.array(product).min(1).max(5000) }))
    .mutation(({ ctx, input }) => upsertCatalog(ctx.tx, ctx.member.projectId, input.products)),

  setAvailable: projectProcedure("catalog.manage")
    .input(z.object({ productId: id, available: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (!(await setProductAvailable(ctx.tx, input.productId, input.available))) throw notFound("product");
    }),

  archive: projectProcedure("catalog.manage")
    .input(z.object({ productId: id }))
    .mutation(async ({ ctx, input }) => {
      if (!(await archiveProduct(ctx.tx, input.productId))) throw notFound("product");
    }),

  /** A price list file (CSV or XLSX, base64) compared with the catalog: nothing is written. */
  previewImport: projectProcedure("catalog.manage")
    .input(z.object({ file: z.string().max(Math.ceil((MAX_PRICE_LIST_BYTES * 4) / 3) + 8) }))
    .mutation(async ({ ctx, input }) => {
      const rows = await previewPriceList(ctx.tx, await readPriceListFile(Buffer.from(input.file, "base64")));
      return rows.map((r) => (r.status === "error" ? r : { row: r.row, status: r.status, name: r.name, priceMinor: r.draft.priceMinor }));
    }),

  /** The same file applied: all rows or none. */
  applyImport: projectProcedure("catalog.manage")
    .input(z.object({ file: z.string().max(Math.ceil((MAX_PRICE_LIST_BYTES * 4) / 3) + 8) }))
    .mutation(async ({ ctx, input }) => applyPriceList(ctx.tx, ctx.member.projectId, await readPriceListFile(Buffer.from(input.file, "base64")))),

  exportCsv: projectProcedure("catalog.manage").query(({ ctx }) => exportPriceList(ctx.tx)),

  menuChannels: projectProcedure("catalog.manage").query(({ ctx }) => listMenuChannels(ctx.tx, ctx.member)),

  setMenuBot: projectProcedure("catalog.manage")
    .input(z.object({ channelId: id, enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setMenuBot(ctx.tx, ctx.member, input.channelId, input.enabled)),
});
