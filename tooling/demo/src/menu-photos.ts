import { and, isNull } from "drizzle-orm";
import { catalogProducts, withTenant, type Db } from "@threadline/db";
import { setProductPhoto } from "@threadline/domain/catalog/photo.ts";
import type { FileStorage } from "@threadline/domain/storage.ts";
import { solidPng } from "@threadline/simulators/channels";

// The coffee shop's menu photos for the demo: a small picture in the product's colour, so the
// menu bot's product cards and the agent's price answers go out as photos on the first start.

const COLOURS: Record<string, [number, number, number]> = {
  Капучино: [176, 132, 92],
  Латте: [214, 184, 150],
  "Флэт уайт": [150, 104, 70],
  Американо: [82, 52, 34],
  "Раф ванильный": [236, 218, 190],
  Круассан: [222, 170, 90],
  Синнабон: [196, 140, 96],
  Медовик: [232, 190, 110],
  Чизкейк: [245, 232, 205],
};

/** Gives each product of the demo menu without a photo its picture; a photo set in admin stays. */
export async function seedMenuPhotos(db: Db, projectId: string, storage: FileStorage): Promise<number> {
  return withTenant(db, projectId, async (tx) => {
    const bare = await tx.select({ id: catalogProducts.id, name: catalogProducts.name }).from(catalogProducts).where(and(isNull(catalogProducts.photoKey), isNull(catalogProducts.archivedAt)));
    let set = 0;
    for (const product of bare) {
      const colour = COLOURS[product.name];
      if (!colour) continue;
      await setProductPhoto(tx, storage, projectId, product.id, solidPng(320, 240, colour));
      set += 1;
    }
    return set;
  });
}

