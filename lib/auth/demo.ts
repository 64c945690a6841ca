import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { sessions, users } from "../../db/schema";
import { DEMO_OWNER_EMAIL, findDemoMerchant, seedDemo } from "../demo/seed";
import { env } from "../env";
import { randomString } from "../ids";

/** "Sign in as the demo owner" exists only in development on the embedded database, or with DEMO_LOGIN=1. */
export function demoLoginEnabled(): boolean {
  return env.DEMO_LOGIN || (env.NODE_ENV === "development" && !env.DATABASE_URL);
}

const SESSION_DAYS = 30;

/**
 * Opens a database session for the demo owner, seeding the demo coffee shop first when this
 * database has none. Returns the session token for the next-auth cookie.
 */
export async function demoSession(db: Db): Promise<{ sessionToken: string; expires: Date }> {
  if (!demoLoginEnabled()) throw new Error("demo login is disabled");
  if (!(await findDemoMerchant(db))) await seedDemo(db, { customers: 60 });
  const [owner] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_OWNER_EMAIL));
  if (!owner) throw new Error("the demo owner is missing after seeding");
  const sessionToken = randomString(48);
  const expires = new Date(Date.now() + SESSION_DAYS * 86_400_000);
  await db.insert(sessions).values({ sessionToken, userId: owner.id, expires });
  return { sessionToken, expires };
}
