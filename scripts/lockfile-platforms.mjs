// node scripts/lockfile-platforms.mjs — put back the lockfile entries of other platforms' optional
// binaries (@next/swc-darwin-arm64, @tailwindcss/oxide-win32-x64-msvc, …).
//
// The package registry these machines use only carries Linux x64 builds, so `npm install` here
// leaves those optional packages out of package-lock.json, and `npm ci` then refuses the lockfile.
// Each entry is rebuilt from its parent's optionalDependencies, with the os/cpu/libc its name
// states, so npm skips it on other machines and installs it where it belongs.
import fs from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, "utf8"));
const packages = lock.packages;
const PLATFORM = /(android|darwin|freebsd|linux|win32|openharmony|wasm32)-(arm64|x64|arm|ia32|loong64|ppc64|riscv64|s390x|wasi)?/;

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = path ? `${path}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    const entry = { version: range.replace(/^[\^~=]/, ""), optional: true };
    const m = PLATFORM.exec(name);
    if (m) {
      if (m[1] === "wasm32") entry.cpu = ["wasm32"];
      else {
        entry.os = [m[1]];
        if (m[2]) entry.cpu = [m[2]];
      }
      if (name.includes("musl")) entry.libc = ["musl"];
      else if (name.includes("gnu")) entry.libc = ["glibc"];
    }
    packages[`node_modules/${name}`] = entry;
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + "\n");
console.log(`package-lock.json: ${added} optional platform entries restored`);
