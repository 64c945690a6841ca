import { serve } from "inngest/next";
import { functions } from "@/jobs";
import { inngest } from "@/lib/events/inngest";

// GET/POST/PUT /api/inngest — Inngest's serve endpoint (introspection, registration, function calls)
export const { GET, POST, PUT } = serve({ client: inngest, functions });
