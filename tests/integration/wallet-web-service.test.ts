import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { merchants } from "@/db/schema";
import { enroll } from "@/lib/cards/enroll";
import { systemActor, type Ctx } from "@/lib/context";
import { newId } from "@/lib/ids";
import { earn } from "@/lib/ledger/earn";
import { createProgram } from "@/lib/programs/verbs";
import { readStoredZip, testWalletCerts } from "../support/wallet-certs";
import { startWalletServer } from "../support/wallet-server";

// Apple's web service end to end: real HTTP against `next start` (Postgres; see wallet-server.ts).
let server: Awaited<ReturnType<typeof startWalletServer>>;
let ctx: Ctx;

beforeAll(async () => {
  server = await startWalletServer();
  const merchantId = newId("mer");
  await server.db.insert(merchants).values({ id: merchantId, name: "Web Service Cafe" });
  ctx = { db: server.db, merchantId, actor: systemActor("test"), source: "test" };
}, 900_000);

afterAll(async () => {
  await server?.close();
});

const passTypeId = () => testWalletCerts().manifest.passTypeId;

describe("Apple Wallet web service over HTTP", () => {
  it("registers, lists updated serials, serves the pass with 304s, follows a balance change and unregisters", async () => {
    const program = await createProgram(ctx, { name: "Web Points", kind: "points" });
    const { card } = await enroll(ctx, { programId: program.id, customer: { email: "device@example.test" } });
    const base = `${server.url}/api/wallet/apple/v1`;
    const regPath = `${base}/devices/device123/registrations/${passTypeId()}/${card.id}`;
    const auth = { authorization: `ApplePass ${card.walletAuthToken}` };
    const json = { "content-type": "application/json" };

    // Register twice: 201, then 200. A wrong token: 401.
    expect((await fetch(regPath, { method: "POST", headers: { ...auth, ...json }, body: JSON.stringify({ pushToken: "abcdef0123" }) })).status).toBe(201);
    expect((await fetch(regPath, { method: "POST", headers: { ...auth, ...json }, body: JSON.stringify({ pushToken: "abcdef0123" }) })).status).toBe(200);
    expect((await fetch(regPath, { method: "POST", headers: { authorization: "ApplePass wrong-token-0123456789", ...json }, body: JSON.stringify({ pushToken: "x1" }) })).status).toBe(401);
    expect((await fetch(regPath, { method: "POST", headers: json, body: JSON.stringify({ pushToken: "x1" }) })).status).toBe(401);
    // Bad input is a clear 4xx, not a 500.
    expect((await fetch(regPath, { method: "POST", headers: { ...auth, ...json }, body: "not json" })).status).toBe(400);

    // Serials: the first time all, then 204 since the tag.
    const listPath = `${base}/devices/device123/registrations/${passTypeId()}`;
    const first = await fetch(listPath);
    expect(first.status).toBe(200);
    const listed = (await first.json()) as { serialNumbers: string[]; lastUpdated: string };
    expect(listed.serialNumbers).toEqual([card.id]);
    expect((await fetch(`${listPath}?passesUpdatedSince=${listed.lastUpdated}`)).status).toBe(204);
    expect((await fetch(`${listPath}?passesUpdatedSince=abc`)).status).toBe(400);
    expect((await fetch(`${base}/devices/unknown-device/registrations/${passTypeId()}`)).status).toBe(204);

    // The latest pass, then If-Modified-Since: 304.
    const passPath = `${base}/passes/${passTypeId()}/${card.id}`;
    expect((await fetch(passPath)).status).toBe(401);
    expect((await fetch(passPath, { headers: { authorization: "ApplePass nope-nope-nope-nope" } })).status).toBe(401);
    const pass = await fetch(passPath, { headers: auth });
    expect(pass.status).toBe(200);
    expect(pass.headers.get("content-type")).toBe("application/vnd.apple.pkpass");
    const lastModified = pass.headers.get("last-modified")!;
    expect(lastModified).toMatch(/GMT$/);
    const before = readStoredZip(Buffer.from(await pass.arrayBuffer()));
    const balanceOf = (files: Record<string, Buffer>) =>
      (JSON.parse(files["pass.json"]!.toString()) as { storeCard: { primaryFields: { key: string; value: number }[] } }).storeCard.primaryFields.find((f) => f.key === "balance")!.value;
    expect(balanceOf(before)).toBe(0);
    expect((await fetch(passPath, { headers: { ...auth, "if-modified-since": lastModified } })).status).toBe(304);

    // A balance change at once (most likely within the same second as the fetch): the serial shows
    // up, and the device's If-Modified-Since gets the new pass, not a 304.
    await earn(ctx, { cardId: card.id, points: 120 });
    const changed = await fetch(`${listPath}?passesUpdatedSince=${listed.lastUpdated}`);
    expect(changed.status).toBe(200);
    const changedBody = (await changed.json()) as { serialNumbers: string[]; lastUpdated: string };
    expect(changedBody.serialNumbers).toEqual([card.id]);
    expect(BigInt(changedBody.lastUpdated) > BigInt(listed.lastUpdated)).toBe(true);
    const fresh = await fetch(passPath, { headers: { ...auth, "if-modified-since": lastModified } });
    expect(fresh.status).toBe(200);
    expect(balanceOf(readStoredZip(Buffer.from(await fresh.arrayBuffer())))).toBe(120);
    const freshModified = fresh.headers.get("last-modified")!;
    expect(Date.parse(freshModified)).toBeGreaterThan(Date.parse(lastModified));
    expect((await fetch(passPath, { headers: { ...auth, "if-modified-since": freshModified } })).status).toBe(304);

    // The log endpoint takes Wallet's reports.
    expect((await fetch(`${base}/log`, { method: "POST", headers: json, body: JSON.stringify({ logs: ["test log line"] }) })).status).toBe(200);

    // Unregister: 200 (also when repeated), and the device has no passes left.
    expect((await fetch(regPath, { method: "DELETE", headers: auth })).status).toBe(200);
    expect((await fetch(regPath, { method: "DELETE", headers: auth })).status).toBe(200);
    expect((await fetch(regPath, { method: "DELETE", headers: { authorization: "ApplePass wrong-wrong-wrong-wrong" } })).status).toBe(401);
    expect((await fetch(listPath)).status).toBe(204);

    // The customer's download link serves the same pass.
    const download = await fetch(`${server.url}/c/${card.publicToken}/apple.pkpass`);
    expect(download.status).toBe(200);
    expect(balanceOf(readStoredZip(Buffer.from(await download.arrayBuffer())))).toBe(120);
    expect(download.headers.get("last-modified")).toBe(freshModified);
  });
});
