import { afterAll, beforeAll } from "vitest";
import { closeDb, dbReady } from "@/db/client";

beforeAll(async () => {
  await dbReady();
});

afterAll(async () => {
  await closeDb();
});
