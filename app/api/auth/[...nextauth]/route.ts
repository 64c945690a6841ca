import { handlers } from "@/auth";

// GET, POST /api/auth/* — next-auth: magic-link callback, Google OAuth, session and sign-out endpoints
export const { GET, POST } = handlers;
