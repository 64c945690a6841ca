import type { InngestFunction } from "inngest";
import { outboxSweep } from "./outbox-sweep";

/** Every Inngest function, one per file in lib/jobs/. The serve endpoint registers this list. */
export const functions: InngestFunction.Any[] = [outboxSweep];
