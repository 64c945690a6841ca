import fs from "node:fs";
import path from "node:path";
import { env } from "../lib/env";

const file = () => path.join(env.DATA_DIR, "demo-api-key.txt");

/** The demo API key is shown once by the seed; development keeps a copy so `npm run dev` can print it again. */
export function saveDemoKey(key: string) {
  fs.mkdirSync(env.DATA_DIR, { recursive: true });
  fs.writeFileSync(file(), key + "\n", { mode: 0o600 });
}

export function readDemoKey(): string | null {
  try {
    return fs.readFileSync(file(), "utf8").trim() || null;
  } catch {
    return null;
  }
}
