import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// The operators' CLI as they run it: its own process, on its own embedded database in a temp folder.
const dir = mkdtempSync(path.join(tmpdir(), "keepcard-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: path.join(dir, "db") };
  delete env.DATABASE_URL;
  try {
    const { stdout, stderr } = await promisify(execFile)(path.resolve("node_modules/.bin/tsx"), ["scripts/cli.ts", ...args], { env, timeout: 90_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

describe("npm run cli -- api-key create", () => {
  it("makes a key with the --scopes given, all of them by default, and refuses an unknown scope", async () => {
    const made = await cli("merchant", "create", "--name", "CLI shop", "--owner", "cli@example.test");
    expect(made.code, made.err).toBe(0);
    const merchantId = JSON.parse(made.out).merchant.id as string;
    expect(JSON.parse(made.out).apiKey).toBeDefined();

    const scoped = await cli("api-key", "create", "--merchant", merchantId, "--name", "Till", "--scopes", "earn, read");
    expect(scoped.code, scoped.err).toBe(0);
    expect(JSON.parse(scoped.out).apiKey).toMatchObject({ name: "Till", scopes: ["read", "earn"], locationId: null, key: expect.stringMatching(/^kc_live_/) });

    const full = await cli("api-key", "create", "--merchant", merchantId);
    expect(JSON.parse(full.out).apiKey.scopes).toEqual(["read", "earn", "redeem", "manage"]);

    const bad = await cli("api-key", "create", "--merchant", merchantId, "--scopes", "read,admin");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Invalid input/);
    const nowhere = await cli("api-key", "create", "--merchant", merchantId, "--location", "loc_nowhere");
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toMatch(/Location not found/);
  }, 300_000);
});
