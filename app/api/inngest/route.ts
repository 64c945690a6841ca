import { serve } from "inngest/next";
import { inngest } from "@/lib/jobs/client";
import { functions } from "@/lib/jobs";

// GET/POST/PUT /api/inngest — Inngest's serve endpoint (introspection, registration, function calls)
export const { GET, POST, PUT } = serve({ client: inngest, functions });
