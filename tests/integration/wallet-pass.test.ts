import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { locations } from "@/db/schema";
import { cardQrToken } from "@/lib/cards/token";
import { loadCardView } from "@/lib/cards/view";
import { newId } from "@/lib/ids";
import { earn } from "@/lib/ledger/earn";
import { renderPass } from "@/wallet/apple/pass";
import { makeCard, makeMerchant, makeProgram, makeReward, type TestMerchant } from "../support/fixtures";
import { readStoredZip, testAppleConfig, testWalletCerts } from "../support/wallet-certs";

type PassJson = {
  formatVersion: number;
  passTypeIdentifier: string;
  teamIdentifier: string;
  serialNumber: string;
  authenticationToken: string;
  webServiceURL: string;
  barcodes: { format: string; message: string }[];
  locations?: unknown[];
  storeCard: Record<"headerFields" | "primaryFields" | "secondaryFields" | "auxiliaryFields" | "backFields", { key: string; value: unknown; changeMessage?: string }[] | undefined>;
};

async function addLocations(m: TestMerchant, n: number) {
  await m.db.insert(locations).values(
    Array.from({ length: n }, (_, i) => ({ id: newId("loc"), merchantId: m.merchantId, name: `Shop ${i}`, latitude: 52.5 + i / 100, longitude: 13.4 + i / 100 })),
  );
}

async function render(cardId: string) {
  const view = await loadCardView((await makeMerchantDb()).db, { cardId });
  return { view: view!, ...renderPass(view!, testAppleConfig()) };
}

let shared: TestMerchant | undefined;
const makeMerchantDb = async () => (shared ??= await makeMerchant());

describe("Apple .pkpass", () => {
  it("is a signed, well-formed store card that openssl verifies against the test CA", async () => {
    const m = await makeMerchantDb();
    await addLocations(m, 12);
    const program = await makeProgram(m, {
      name: "Bean Points",
      tiers: { windowDays: 365, levels: [{ name: "Member", threshold: 0, multiplier: 1 }, { name: "Gold", threshold: 100, multiplier: 1 }] },
    });
    await makeReward(m, program.id, 50);
    await makeReward(m, program.id, 200);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 60 });

    const { body } = await render(card.id);
    const files = readStoredZip(body);

    // Every file but the manifest and the signature is listed with its SHA-1, and nothing else.
    const manifest = JSON.parse(files["manifest.json"]!.toString("utf8")) as Record<string, string>;
    const content = Object.keys(files).filter((f) => f !== "manifest.json" && f !== "signature");
    expect(Object.keys(manifest).sort()).toEqual(content.sort());
    for (const name of content) expect(manifest[name], name).toBe(createHash("sha1").update(files[name]!).digest("hex"));

    // The detached PKCS#7 signature over manifest.json chains to the test root through the fake WWDR.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pkpass-"));
    fs.writeFileSync(path.join(dir, "manifest.json"), files["manifest.json"]!);
    fs.writeFileSync(path.join(dir, "signature"), files.signature!);
    const { files: certs } = testWalletCerts();
    const out = execFileSync(
      "openssl",
      ["smime", "-verify", "-binary", "-inform", "DER", "-in", path.join(dir, "signature"), "-content", path.join(dir, "manifest.json"), "-CAfile", certs.rootCa, "-out", "/dev/null"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(out).toBe("");
    // …and a tampered manifest fails.
    fs.writeFileSync(path.join(dir, "manifest.json"), Buffer.concat([files["manifest.json"]!, Buffer.from(" ")]));
    expect(() =>
      execFileSync("openssl", ["smime", "-verify", "-binary", "-inform", "DER", "-in", path.join(dir, "signature"), "-content", path.join(dir, "manifest.json"), "-CAfile", certs.rootCa, "-out", "/dev/null"], {
        stdio: "ignore",
      }),
    ).toThrow();

    const pass = JSON.parse(files["pass.json"]!.toString("utf8")) as PassJson;
    const config = testAppleConfig();
    expect(pass.formatVersion).toBe(1);
    expect(pass.passTypeIdentifier).toBe(config.passTypeId);
    expect(pass.teamIdentifier).toBe(config.teamId);
    expect(pass.serialNumber).toBe(card.id);
    expect(pass.webServiceURL).toBe(config.webServiceUrl);
    expect(pass.authenticationToken).toBe(card.walletAuthToken);
    expect(pass.authenticationToken.length).toBeGreaterThanOrEqual(16);
    expect(pass.barcodes).toEqual([expect.objectContaining({ format: "PKBarcodeFormatQR", message: cardQrToken(card) })]);
    expect(pass.locations).toHaveLength(10);

    const fields = Object.values(pass.storeCard).flatMap((list) => list ?? []);
    const keys = fields.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    const balance = fields.find((f) => f.key === "balance")!;
    expect(balance.value).toBe(60);
    expect(balance.changeMessage).toContain("%@");
    for (const f of fields) if (f.changeMessage) expect(f.changeMessage, f.key).toContain("%@");
    expect(fields.find((f) => f.key === "ready")!.value).toBe("Reward 50");
    expect(fields.find((f) => f.key === "next")!.value).toBe("Reward 200 · 140 to go");
    expect(fields.find((f) => f.key === "tier")!.value).toBe("Member");

    for (const image of ["icon", "logo", "strip"]) {
      for (const suffix of ["", "@2x", "@3x"]) {
        const png = files[`${image}${suffix}.png`];
        expect(png, `${image}${suffix}.png`).toBeDefined();
        expect(png!.subarray(1, 4).toString("latin1")).toBe("PNG");
      }
    }
    // @2x is twice the width of @1x (PNG width sits at byte 16).
    expect(files["strip@2x.png"]!.readUInt32BE(16)).toBe(2 * files["strip.png"]!.readUInt32BE(16));
  });

  it("has the same content while nothing changes (only the signature is new), and shows a change", async () => {
    const m = await makeMerchantDb();
    const program = await makeProgram(m, { name: "Stamp Club", kind: "stamps", stampsRequired: 8 } as never);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, stamps: 3 });

    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    const first = renderPass(view, testAppleConfig(), { signedAt: new Date("2030-01-01T00:00:00Z") });
    const second = renderPass(view, testAppleConfig(), { signedAt: new Date("2030-01-01T00:01:00Z") });
    const [a, b] = [readStoredZip(first.body), readStoredZip(second.body)];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    for (const name of Object.keys(a)) if (name !== "signature") expect(a[name]!.equals(b[name]!), name).toBe(true);
    // Signed at another time: another signature, but the same content, Last-Modified and ETag.
    expect(a.signature!.equals(b.signature!)).toBe(false);
    expect(first.etag).toBe(second.etag);
    expect(first.lastModified.getTime()).toBe(second.lastModified.getTime());

    await earn(m.ctx, { cardId: card.id, stamps: 1 });
    const third = await render(card.id);
    expect(third.etag).not.toBe(first.etag);
    expect(third.lastModified.getTime()).toBeGreaterThanOrEqual(first.lastModified.getTime());
    const before = readStoredZip(first.body);
    const after = readStoredZip(third.body);
    const stamps = (files: Record<string, Buffer>) =>
      (JSON.parse(files["pass.json"]!.toString()) as PassJson).storeCard.headerFields!.find((f) => f.key === "balance")!.value;
    expect(stamps(before)).toBe("3/8");
    expect(stamps(after)).toBe("4/8");
    // The stamp grid is drawn from the stamps: a new stamp, a new strip.
    expect(after["strip.png"]!.equals(before["strip.png"]!)).toBe(false);
  });

  it("is signed at the current time: a certificate renewed yesterday signs a card unchanged for a year, and openssl accepts it at its signing time", async () => {
    const m = await makeMerchantDb();
    const program = await makeProgram(m, { name: "Old Faithful" });
    const card = await makeCard(m, program.id);
    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    const yearAgo = new Date(Date.now() - 365 * 86_400_000);
    // The test signer is valid from 24 hours ago only (wallet/dev-certs.ts), like a certificate just renewed.
    const signer = new X509Certificate(testAppleConfig().certificates.signerCert);
    expect(new Date(signer.validFrom).getTime()).toBeGreaterThan(Date.now() - 2 * 86_400_000);

    const pass = renderPass(view, testAppleConfig(), { modifiedAt: yearAgo });
    // Last-Modified is still when the card last changed.
    expect(pass.lastModified.getTime()).toBe(yearAgo.getTime());
    const files = readStoredZip(pass.body);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pkpass-"));
    fs.writeFileSync(path.join(dir, "manifest.json"), files["manifest.json"]!);
    fs.writeFileSync(path.join(dir, "signature"), files.signature!);
    const { files: certs } = testWalletCerts();

    // The signing time inside the signature is now, not a year ago…
    const printed = execFileSync("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", path.join(dir, "signature")], { encoding: "utf8" });
    const utc = /UTCTIME:(.+GMT)/.exec(printed)?.[1];
    expect(utc, "a signingTime attribute").toBeDefined();
    const signedAt = new Date(utc!);
    expect(Math.abs(signedAt.getTime() - Date.now())).toBeLessThan(60_000);

    // …so the chain verifies both now and at the signing time, as a phone checks it.
    const verify = (extra: string[]) =>
      execFileSync(
        "openssl",
        ["smime", "-verify", "-binary", "-inform", "DER", "-in", path.join(dir, "signature"), "-content", path.join(dir, "manifest.json"), "-CAfile", certs.rootCa, "-out", "/dev/null", ...extra],
        { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
      );
    expect(verify([])).toBe("");
    expect(verify(["-attime", String(Math.floor(signedAt.getTime() / 1000))])).toBe("");
  });

  it("is a valid zip: every entry carries a real DOS date (the pass's change time), and unzip -t and zipinfo accept it", async () => {
    const m = await makeMerchantDb();
    const program = await makeProgram(m, { name: "Zip Club" });
    const card = await makeCard(m, program.id);
    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    const modifiedAt = new Date("2024-07-15T13:45:30Z");
    const { body } = renderPass(view, testAppleConfig(), { modifiedAt });

    const end = body.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const count = body.readUInt16LE(end + 10);
    let at = body.readUInt32LE(end + 16);
    const decode = (time: number, date: number) => ({
      year: 1980 + (date >> 9),
      month: (date >> 5) & 15,
      day: date & 31,
      hour: time >> 11,
      minute: (time >> 5) & 63,
      second: (time & 31) * 2,
    });
    for (let i = 0; i < count; i++) {
      const central = decode(body.readUInt16LE(at + 12), body.readUInt16LE(at + 14));
      const local = body.readUInt32LE(at + 42);
      const inLocal = decode(body.readUInt16LE(local + 10), body.readUInt16LE(local + 12));
      for (const d of [central, inLocal]) {
        expect(d.month).toBeGreaterThanOrEqual(1);
        expect(d.month).toBeLessThanOrEqual(12);
        expect(d.day).toBeGreaterThanOrEqual(1);
        expect(d.day).toBeLessThanOrEqual(31);
        expect(d).toEqual({ year: 2024, month: 7, day: 15, hour: 13, minute: 45, second: 30 });
      }
      at += 46 + body.readUInt16LE(at + 28) + body.readUInt16LE(at + 30) + body.readUInt16LE(at + 32);
    }

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pkpass-")), "card.pkpass");
    fs.writeFileSync(file, body);
    const tested = execFileSync("unzip", ["-t", file], { encoding: "utf8" });
    expect(tested).toContain("No errors detected");
    const info = execFileSync("zipinfo", [file], { encoding: "utf8" });
    expect(info).toMatch(/pass\.json/);
    expect(info).toContain("24-Jul-15 13:45");
  });
});
