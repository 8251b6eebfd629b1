import { afterAll, beforeAll, describe, expect, it } from "vitest";
import express from "express";
import { withTenant } from "@threadline/db";
import { loadCatalog, upsertCatalog } from "@threadline/domain/catalog/index.ts";
import { createTwoTenantEnv, listenLocally, type LocalServer, type TestEnv } from "@threadline/testing";
import { solidPng } from "@threadline/simulators/channels";
import { catalogPhotoHandler } from "./catalog-photo.ts";

let env: TestEnv;
let A: Awaited<ReturnType<TestEnv["createTenant"]>>;
let B: Awaited<ReturnType<TestEnv["createTenant"]>>;
let server: LocalServer;
let productId: string;

beforeAll(async () => {
  ({ env, A, B } = await createTwoTenantEnv("Фото", "Чужие"));
  await withTenant(env.db, A.project.id, (tx) => upsertCatalog(tx, A.project.id, [{ name: "Круассан", priceMinor: 15000 }]));
  productId = (await withTenant(env.db, A.project.id, (tx) => loadCatalog(tx))).products[0]!.id;
  const app = express();
  app.post("/catalog/photo", catalogPhotoHandler(env.deps, env.deps.storage));
  server = await listenLocally(app);
});
afterAll(async () => {
  server?.close();
  await env?.close();
});

const post = (token: string, body: Uint8Array, projectId = A.project.id, product = productId) =>
  fetch(`${server.url}/catalog/photo?projectId=${projectId}&productId=${product}`, { method: "POST", headers: { "content-type": "image/png", cookie: `tl_session=${token}` }, body });
const photoKey = async () => (await withTenant(env.db, A.project.id, (tx) => loadCatalog(tx))).products[0]!.photoKey;

describe("product photos", () => {
  it("refuses a 10 MB photo, a file that is not an image, a member without the catalog and another project's product; nothing is written", async () => {
    const big = new Uint8Array(10 * 1024 * 1024);
    big.set(solidPng(10, 10));
    const tooLarge = await post(A.owner.token, big);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ errorCode: "catalog.photoTooLarge", params: { max: 5 } });
    const notImage = await post(A.owner.token, new TextEncoder().encode("<svg onload=alert(1)>"));
    expect(notImage.status).toBe(400);
    expect(await notImage.json()).toMatchObject({ errorCode: "catalog.photoType" });
    expect((await post(A.manager.token, solidPng(10, 10))).status).toBe(403);
    expect((await post(B.owner.token, solidPng(10, 10), B.project.id)).status).toBe(404);
    expect(await photoKey()).toBeNull();
  });

  it("stores a PNG and points the product at it", async () => {
    const res = await post(A.owner.token, solidPng(40, 30));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { photoKey: string; mime: string };
    expect(body.mime).toBe("image/png");
    expect(await photoKey()).toBe(body.photoKey);
    expect(body.photoKey.startsWith(`catalog/${A.project.id}/`)).toBe(true);
  });
});
