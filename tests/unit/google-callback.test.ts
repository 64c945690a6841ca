import { describe, expect, it } from "vitest";
import { messageSignatureHolds, signedBytes } from "@/wallet/google/callback";

// A callback Google really sent to an issuer (published in a public repository's test): its message
// signature, by the intermediate key that came with it, checks out with the byte layout we build,
// so the verification is Google's protocol and not just agreement with our own test signer.
const REAL = {
  recipientId: "3388000000022335801",
  protocolVersion: "ECv2SigningOnly",
  keyValue: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAElMAF/BuFhKQzFwpbZDWmpFRGsW8Ow4QZE31CbT4Y0O15xQ8AAMD8y698okEifN6UQlEh4et3hth9BDH81/Rkaw==",
  signedMessage:
    '{"classId":"3388000000022335801.eth-motics-with-link","objectIds":["3388000000022335801.efd427a7-05a4-439d-b314-e4b999c8509b"],"eventType":"activate","expTimeMillis":1723181833549,"count":1,"nonce":"0cfe3927-7ce2-4471-bc27-c819c2910901","deviceContext":"49776974-bcf3-4445-9c01-2c9467ef87ff"}',
  signature: "MEUCIQCpYXep9bIFAT/PMe2kekpGdsWBPSIXZRFe2//QICWOFAIgCGPUJ6BnLDxvuJnMFz7IFkIV8jnIK0FQnKbNJw1i7oQ=",
};

describe("Google callback signatures (ECv2SigningOnly)", () => {
  it("lays out signed strings as 4-byte little-endian lengths before UTF-8 bytes", () => {
    expect(signedBytes("ab", "é").toString("hex")).toBe("02000000" + "6162" + "02000000" + "c3a9");
  });

  it("verifies a message Google signed, and nothing else", () => {
    expect(messageSignatureHolds(REAL)).toBe(true);
    expect(messageSignatureHolds({ ...REAL, recipientId: "3388000000022335802" })).toBe(false);
    expect(messageSignatureHolds({ ...REAL, protocolVersion: "ECv2" })).toBe(false);
    expect(messageSignatureHolds({ ...REAL, signedMessage: REAL.signedMessage.replace('"count":1', '"count":2') })).toBe(false);
    expect(messageSignatureHolds({ ...REAL, keyValue: "not a key" })).toBe(false);
  });
});
