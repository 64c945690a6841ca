import QRCode from "qrcode";
import { describe, expect, it } from "vitest";
import { loadCardView } from "@/lib/cards/view";
import { earn } from "@/lib/ledger/earn";
import { verifyQr } from "@/lib/tokens/qr";
import { signingKeys } from "@/lib/tokens/keys";
import { renderPass } from "@/wallet/apple/pass";
import { loyaltyObjectFields } from "@/wallet/google/sync";
import { makeCard, makeMerchant, makeProgram, makeReward } from "../support/fixtures";
import { readStoredZip, testAppleConfig } from "../support/wallet-certs";

type PassJson = {
  barcodes: { format: string; message: string; altText?: string }[];
  storeCard: Record<string, { key: string; value: unknown }[] | undefined>;
};

describe("what the passes show", () => {
  it("both wallets carry the compact QR (version ≤ 6 at level M, verifiable offline) with the member code under it", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Bean Points" });
    const card = await makeCard(m, program.id);
    const view = (await loadCardView(m.db, { cardId: card.id }))!;

    const pass = JSON.parse(readStoredZip(renderPass(view, testAppleConfig()).body)["pass.json"]!.toString("utf8")) as PassJson;
    expect(pass.barcodes).toHaveLength(1);
    const [barcode] = pass.barcodes;
    expect(barcode).toMatchObject({ format: "PKBarcodeFormatQR", altText: card.referralCode });
    const google = loyaltyObjectFields(view).barcode;
    expect(google).toEqual({ type: "QR_CODE", value: barcode!.message, alternateText: card.referralCode });

    expect(QRCode.create(barcode!.message, { errorCorrectionLevel: "M" }).version).toBeLessThanOrEqual(6);
    expect(verifyQr(barcode!.message, { merchantId: m.merchantId }, signingKeys().publicKey)).toMatchObject({ t: "card", id: card.id });
  });

  it("the next reward named on the pass is one in stock, not the cheapest one that ran out", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { name: "Bean Points" });
    await makeReward(m, program.id, 100, 0); // "Bag of house beans", sold out
    await makeReward(m, program.id, 300);
    const card = await makeCard(m, program.id);
    await earn(m.ctx, { cardId: card.id, points: 25 });

    const view = (await loadCardView(m.db, { cardId: card.id }))!;
    expect(view.next).toEqual({ title: "Reward 300", remaining: 275, target: 300 });
    const pass = JSON.parse(readStoredZip(renderPass(view, testAppleConfig()).body)["pass.json"]!.toString("utf8")) as PassJson;
    const fields = Object.values(pass.storeCard).flatMap((list) => list ?? []);
    expect(fields.find((f) => f.key === "next")?.value).toBe("Reward 300 · 275 to go");
  });
});
