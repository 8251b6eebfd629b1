import { afterAll, beforeAll, expect, it } from "vitest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withTenant } from "@threadline/db";
import { loadCatalog } from "@threadline/domain/catalog/index.ts";
import { photoType } from "@threadline/domain/catalog/photo.ts";
import { seedCoffeeMenu } from "@threadline/domain/seed/coffee-menu.ts";
import { LocalDiskStorage } from "@threadline/domain/storage.ts";
import { createTestEnv, type TestEnv } from "@threadline/testing";
import { seedMenuPhotos } from "./menu-photos.ts";

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  await env?.close();
});

it("the demo coffee menu gets a stored PNG for every product once; a photo already set stays", async () => {
  const T = await env.createTenant("DemoPhotos");
  const storage = new LocalDiskStorage(await mkdtemp(join(tmpdir(), "tl-demo-photos-")));
  await seedCoffeeMenu(env.db, T.project.id);
  const catalog = () => withTenant(env.db, T.project.id, (tx) => loadCatalog(tx));
  const products = (await catalog()).products;
  expect(await seedMenuPhotos(env.db, T.project.id, storage)).toBe(products.length);
  const after = (await catalog()).products;
  for (const p of after) {
    expect(p.photoKey).toMatch(new RegExp(`^catalog/${T.project.id}/`));
    const opened = (await storage.open(p.photoKey!))!;
    const chunks: Buffer[] = [];
    for await (const c of opened.stream) chunks.push(Buffer.from(c as Buffer));
    expect(photoType(Buffer.concat(chunks))).toBe("image/png");
  }
  expect(await seedMenuPhotos(env.db, T.project.id, storage)).toBe(0);
  expect((await catalog()).products.map((p) => p.photoKey)).toEqual(after.map((p) => p.photoKey));
});
