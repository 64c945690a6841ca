import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { env, isProduction } from "../env";

/**
 * The one way Keepcard calls a URL a merchant typed (webhook endpoints, the payout provider).
 * Such a URL must not reach inside: the name is resolved once, every address it has must be a
 * public unicast address, and the connection goes to the address that was checked (no DNS
 * rebinding between check and connect). No redirects, a 64 KiB body cap and one time limit for
 * the whole exchange.
 */

export const OUTBOUND_MAX_BODY_BYTES = 64 * 1024;

export type OutboundPolicy = {
  /** Loopback (127.0.0.0/8, ::1) allowed: only for tests, whose fakes listen there. */
  allowLoopback: boolean;
  /** http:// allowed as well as https:// (not in production). */
  allowHttp: boolean;
};

export function defaultPolicy(): OutboundPolicy {
  return { allowLoopback: env.OUTBOUND_ALLOW_LOOPBACK, allowHttp: !isProduction };
}

const SITE_LOCAL = ipaddr.parseCIDR("fec0::/10");

/**
 * Why an address may not be called, or null when it is a public unicast address. Everything
 * ipaddr.js does not call "unicast" is refused: loopback, private, link-local, CGNAT, multicast,
 * unspecified, broadcast, reserved, benchmarking, 6to4/Teredo/NAT64 and IPv4-mapped, ULA and
 * site-local IPv6.
 */
export function refusedAddress(address: string, policy: Pick<OutboundPolicy, "allowLoopback"> = defaultPolicy()): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return "not an IP address";
  }
  const range = parsed.range();
  if (range === "loopback" && policy.allowLoopback) return null;
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).match(SITE_LOCAL)) return "siteLocal";
  return range === "unicast" ? null : range;
}

/** A name (not an address) that never names a public host. */
function internalName(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, "");
  return h === "localhost" || h.endsWith(".localhost") || h.endsWith(".local") || h.endsWith(".internal") || h.endsWith(".home.arpa") || !h.includes(".");
}

function bareHost(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/**
 * Checks a URL when it is typed, before anything is stored: a clear sentence when it cannot be
 * used, null when it may be (the addresses it resolves to are checked again on every call).
 */
export function outboundUrlProblem(value: string, policy: OutboundPolicy = defaultPolicy()): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "Enter a full URL such as https://example.com/hooks.";
  }
  if (url.protocol !== "https:" && !(policy.allowHttp && url.protocol === "http:")) return "The URL must start with https://.";
  if (url.username || url.password) return "The URL must not contain a user name or password.";
  const host = bareHost(url.hostname);
  if (ipaddr.isValid(host)) {
    const why = refusedAddress(host, policy);
    return why ? `The URL points at a private or reserved address (${why}); use a public address.` : null;
  }
  if (internalName(host) && !(policy.allowLoopback && host.toLowerCase() === "localhost")) return "The URL must name a public host, not a local or internal name.";
  return null;
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class OutboundRefused extends Error {
  override name = "OutboundRefused";
}

/** Resolves the URL's host and returns the one address to connect to; throws when any address is not public. */
export async function vetHost(hostname: string, policy: OutboundPolicy, resolve: Resolver = systemResolver): Promise<{ address: string; family: number }> {
  const host = bareHost(hostname);
  if (ipaddr.isValid(host)) {
    const why = refusedAddress(host, policy);
    if (why) throw new OutboundRefused(`refused: ${host} is a ${why} address`);
    return { address: host, family: ipaddr.parse(host).kind() === "ipv6" ? 6 : 4 };
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolve(host);
  } catch {
    throw new OutboundRefused(`could not resolve ${host}`);
  }
  if (addresses.length === 0) throw new OutboundRefused(`could not resolve ${host}`);
  for (const a of addresses) {
    const why = refusedAddress(a.address, policy);
    if (why) throw new OutboundRefused(`refused: ${host} resolves to a ${why} address`);
  }
  return addresses[0]!;
}

/** A short, printable excerpt of an answer for a log a person reads: no control characters, no markup beyond 100 characters. */
export function excerpt(text: string, max = 100): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, " ").replace(/\s+/g, " ").trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export type OutboundOutcome = {
  ok: boolean;
  status: number | null;
  /** For the attempt log: a status and at most a short sanitised excerpt of the answer. */
  error: string | null;
  retryable: boolean;
  durationMs: number;
  /** The answer, cut at 64 KiB; for the caller to parse, never to log. */
  body: string | null;
  truncated: boolean;
};

export type OutboundRequest = {
  url: string;
  method?: "POST";
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  maxBytes?: number;
  policy?: OutboundPolicy;
  resolve?: Resolver;
};

/** POSTs to a merchant's URL under the rules above; never throws. */
export async function outboundPost(req: OutboundRequest): Promise<OutboundOutcome> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const policy = req.policy ?? defaultPolicy();
  const maxBytes = req.maxBytes ?? OUTBOUND_MAX_BODY_BYTES;
  const fail = (error: string, retryable: boolean, status: number | null = null): OutboundOutcome => ({ ok: false, status, error, retryable, durationMs: took(), body: null, truncated: false });

  const problem = outboundUrlProblem(req.url, policy);
  if (problem) return fail(`refused: ${problem}`, false);
  const url = new URL(req.url);
  const deadline = AbortSignal.timeout(req.timeoutMs);
  const timedOut = () => fail(`no answer within ${req.timeoutMs} ms`, true);

  let target: { address: string; family: number };
  try {
    target = await Promise.race([
      vetHost(url.hostname, policy, req.resolve),
      new Promise<never>((_, reject) => deadline.addEventListener("abort", () => reject(deadline.reason), { once: true })),
    ]);
  } catch (error) {
    if (error instanceof OutboundRefused) return fail(error.message, false);
    return timedOut();
  }

  // Connect to the vetted address whatever DNS says now; Host and TLS SNI stay the URL's name.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;

  return new Promise<OutboundOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: OutboundOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const request = client.request(
      url,
      { method: req.method ?? "POST", headers: { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) }, lookup: pinned, signal: deadline, agent: false },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.destroy();
          return finish(fail(`HTTP ${status}: redirects are not followed`, false, status));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const done = () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const ok = status >= 200 && status < 300;
          finish({
            ok,
            status,
            error: ok ? null : `HTTP ${status}${text ? `: ${excerpt(text)}` : ""}`,
            retryable: !ok && (status === 408 || status === 429 || status >= 500),
            durationMs: took(),
            body: text,
            truncated,
          });
        };
        res.on("data", (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - size;
          if (chunk.length >= room) {
            chunks.push(chunk.subarray(0, room));
            size = maxBytes;
            truncated = true;
            res.destroy();
            done();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on("end", done);
        res.on("error", () => (deadline.aborted ? finish(timedOut()) : done()));
      },
    );
    request.on("error", (error) => {
      if (deadline.aborted) return finish(timedOut());
      finish(fail(excerpt(error.message, 200), true));
    });
    request.end(req.body);
  });
}

/** The zod field for a URL Keepcard will call: refused at input time with the reason, checked again on every call. */
export const OutboundUrl = z
  .url({ protocol: /^https?$/, message: "Enter a full URL such as https://example.com/hooks." })
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = outboundUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
