// Runs once per server process: apply migrations before the first request.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { dbReady } = await import("./db/client");
    await dbReady();
  }
}
