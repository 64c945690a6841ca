// A second app instance for tests/integration/instances.test.ts: another process with its own module
// state (database pool, LISTEN connection, rate limiter) on the same Postgres and Upstash as the test.
// Commands (argv): `limit <key> <count> <limit>`: that many checks of the key against a limit of
// <limit> a minute, prints the verdicts; `listen`: prints `ready`, then each committed event as a line;
// `earn <apiKey> <cardId> <idempotencyKey> <points>`: prints `loaded`, waits for a line on stdin, then
// calls the earn route and prints its status and body.
async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === "limit") {
    const { checkRateLimit } = await import("../../lib/rate-limit");
    const [key, count, limit] = args;
    const verdicts = [];
    for (let i = 0; i < Number(count); i++) verdicts.push((await checkRateLimit("api", key!, { limit: Number(limit), windowSeconds: 60 })).success);
    process.stdout.write(JSON.stringify(verdicts) + "\n");
    process.exit(0);
  }
  if (command === "listen") {
    const { subscribeToEvents } = await import("../../lib/events/listen");
    await subscribeToEvents((e) => process.stdout.write(JSON.stringify(e) + "\n"));
    process.stdout.write("ready\n");
    return;
  }
  if (command === "earn") {
    const [apiKey, cardId, key, points] = args;
    const { POST } = await import("../../app/api/v1/cards/[id]/earn/route");
    // Loaded: wait for the test's go, so both instances send at once.
    process.stdout.write("loaded\n");
    await new Promise((resolve) => process.stdin.once("data", resolve));
    const request = new Request(`http://localhost:3000/api/v1/cards/${cardId}/earn`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", "idempotency-key": key! },
      body: JSON.stringify({ points: Number(points) }),
    });
    const res = await POST(request, { params: Promise.resolve({ id: cardId! }) });
    process.stdout.write(JSON.stringify({ status: res.status, body: await res.json() }) + "\n");
    process.exit(0);
  }
  throw new Error(`unknown command ${command}`);
}

void main();
