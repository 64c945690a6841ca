// npm run bench [-- earn earn-pglite earn-keyed earn-limits earn-designed scanner vouchers passes dashboard insights jobs wallet exports instances soak profile alloc scale notify] — run benchmarks; each writes bench/results/<name>.json.
import fs from "node:fs";
import path from "node:path";

const BENCHES: Record<string, { file: string; fn: string }> = {
  earn: { file: "earn.ts", fn: "runEarnBench" },
  "earn-pglite": { file: "earn.ts", fn: "runEarnPgliteBench" },
  "earn-keyed": { file: "earn.ts", fn: "runEarnKeyedBench" },
  "earn-limits": { file: "earn.ts", fn: "runEarnLimitsBench" },
  "earn-designed": { file: "earn.ts", fn: "runEarnDesignedBench" },
  scanner: { file: "scanner.ts", fn: "runScannerBench" },
  vouchers: { file: "vouchers.ts", fn: "runVouchersBench" },
  passes: { file: "passes.ts", fn: "runPassesBench" },
  dashboard: { file: "dashboard.ts", fn: "runDashboardBench" },
  insights: { file: "insights.ts", fn: "runInsightsBench" },
  jobs: { file: "jobs.ts", fn: "runJobsBench" },
  wallet: { file: "wallet.ts", fn: "runWalletBench" },
  exports: { file: "exports.ts", fn: "runExportsBench" },
  // Two instances behind a round-robin balancer, sharing Postgres and the Upstash stand-in; fails when a check does.
  instances: { file: "instances.ts", fn: "runInstancesBench" },
  // Not in the default run: earn at 70 % of its measured maximum for SOAK_SECONDS (600) with the jobs running.
  soak: { file: "soak.ts", fn: "runSoakBench" },
  // Not in the default run: seeds 1M cards and 10M ledger entries (minutes, several GB of disk).
  scale: { file: "scale.ts", fn: "runScaleBench" },
  // Not in the default run: pgbench alone, a write with and without a NOTIFY in it (needs the pgbench binary).
  notify: { file: "notify.ts", fn: "runNotifyBench" },
  // Not in the default run: earn under node --cpu-prof, with a summary of the profile.
  profile: { file: "profile.ts", fn: "runProfileBench" },
  // Not in the default run: bytes allocated per earn and per bare request by site, and collections per request.
  alloc: { file: "alloc.ts", fn: "runAllocBench" },
};
const DEFAULT = ["earn", "earn-pglite", "earn-keyed", "earn-limits", "earn-designed", "scanner", "vouchers", "passes", "dashboard", "insights", "jobs", "wallet", "exports", "instances"];

async function main() {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT;
  let failed = false;
  for (const name of wanted) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(", ")}`);
    const file = path.join(__dirname, bench.file);
    if (!fs.existsSync(file)) {
      console.warn(`skipping ${name}: ${bench.file} does not exist`);
      continue;
    }
    console.log(`\n── bench/${name} ──`);
    try {
      const mod = (await import(file)) as Record<string, () => Promise<unknown>>;
      await mod[bench.fn]!();
    } catch (error) {
      failed = true;
      console.error(`bench/${name} failed:`, error);
    }
  }
  process.exit(failed ? 1 : 0);
}

void main();
