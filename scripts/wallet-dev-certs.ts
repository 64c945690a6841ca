import path from "node:path";
import { env } from "../lib/env";
import { generateDevWalletCerts } from "../wallet/dev-certs";

// npm run wallet:dev-certs [-- --force] — development certificates for Apple and Google Wallet under .data/wallet
const force = process.argv.includes("--force");
const dir = env.WALLET_DEV_CERTS_DIR ?? path.join(env.DATA_DIR, "wallet");
const files = generateDevWalletCerts(dir, { force });
console.log(`Wallet development credentials in ${path.resolve(files.dir)}:
  root CA              ${path.basename(files.rootCa)}
  fake WWDR            ${path.basename(files.wwdr)}
  Pass Type ID signer  ${path.basename(files.signerCert)} / ${path.basename(files.signerKey)}
  Google test account  ${path.basename(files.googleServiceAccount)}
They are used automatically while APPLE_* and GOOGLE_WALLET_* are unset (never in production).
Passes signed with them are valid but not trusted by real iPhones. Pass --force to make new ones.`);
