// Runs once per server process: apply migrations before the first request.
export async function register() {
  // NEXT_RUNTIME is Next's own switch, set before any module loads; lib/env.ts cannot carry it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Route handlers never see the socket: stamp each request's peer address into a header no
    // client can set (lib/http/peer-hook.ts), which per-IP rate limits read by default.
    const { installPeerHook } = await import("./lib/http/peer-hook");
    installPeerHook();
    // Production refuses unsafe settings (demo sign-in, dev outbox, http APP_URL, missing keys…), all listed at once.
    const { assertProductionSafe } = await import("./lib/env");
    assertProductionSafe();
    // Fail at boot, not on the first scan, when production lacks its QR signing key.
    const { signingKeys } = await import("./lib/tokens/keys");
    signingKeys();
    // Apple credentials that do not fit together make passes that never install: say so at boot
    // (and refuse to start in production).
    const { assertAppleCredentialsAtStartup } = await import("./wallet/apple/credentials");
    assertAppleCredentialsAtStartup();
    const { dbReady } = await import("./db/client");
    await dbReady();
  }
}
