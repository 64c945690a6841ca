import { headers } from "next/headers";
import { clientIpKey } from "@/lib/http/client-ip";

/** The per-IP rate-limit key of the request a page or server action is answering (lib/http/client-ip.ts decides). */
export async function clientIp(): Promise<string> {
  return clientIpKey(await headers());
}
