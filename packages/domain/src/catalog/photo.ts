import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { catalogProducts, type Tx } from "@threadline/db";
import { badRequest, notFound } from "../errors.ts";
import type { FileStorage } from "../storage.ts";

// A product's photo: JPEG, PNG or WebP by its bytes (the declared type is not trusted), at most
// 5 MB, stored under the project's catalog prefix; the product keeps its key.

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

/** The photo's type from its first bytes, or null when it is none of the allowed ones. */
export function photoType(data: Uint8Array): "image/jpeg" | "image/png" | "image/webp" | null {
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return "image/jpeg";
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return "image/png";
  const ascii = (from: number, to: number) => String.fromCharCode(...data.subarray(from, to));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return null;
}

export const photoTooLarge = () => badRequest("catalog.photoTooLarge", `Фото больше ${MAX_PHOTO_BYTES / 1024 / 1024} МБ`, { max: MAX_PHOTO_BYTES / 1024 / 1024 });

/** Checks and stores the photo, then points the product at it; a refused photo writes nothing. */
export async function setProductPhoto(tx: Tx, storage: FileStorage, projectId: string, productId: string, data: Uint8Array): Promise<{ photoKey: string; mime: string }> {
  if (data.byteLength > MAX_PHOTO_BYTES) throw photoTooLarge();
  const mime = photoType(data);
  if (!mime) throw badRequest("catalog.photoType", "Фото должно быть в формате JPEG, PNG или WebP");
  const [product] = await tx.select({ id: catalogProducts.id }).from(catalogProducts).where(and(eq(catalogProducts.id, productId), isNull(catalogProducts.archivedAt)));
  if (!product) throw notFound("product");
  const photoKey = `catalog/${projectId}/${randomUUID()}`;
  await storage.put(photoKey, Buffer.from(data));
  await tx.update(catalogProducts).set({ photoKey, updatedAt: new Date() }).where(eq(catalogProducts.id, productId));
  return { photoKey, mime };
}
