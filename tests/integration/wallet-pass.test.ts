import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
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

  it("is byte-for-byte the same while nothing changes, and shows a change", async () => {
    const m = await makeMerchantDb();
    const program = await makeProgram(m, { name: "Stamp Club", kind: "stamps", stampsRequired: 8 } as never);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, stamps: 3 });

    const first = await render(card.id);
    const second = await render(card.id);
    expect(first.body.equals(second.body)).toBe(true);
    expect(first.etag).toBe(second.etag);

    await earn(m.ctx, { cardId: card.id, stamps: 1 });
    const third = await render(card.id);
    expect(third.body.equals(first.body)).toBe(false);
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
});
