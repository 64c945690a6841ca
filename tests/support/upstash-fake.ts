import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";

/**
 * A small stand-in for Upstash Redis: its REST protocol (as @upstash/redis 1.39 speaks it) in front of
 * a real Redis reached over RESP.
 *
 *  - `POST /` with a JSON array command → `{ result }`, or status 400 with `{ error }`;
 *  - `POST /pipeline` with an array of commands → `[{ result } | { error }, …]`;
 *  - `POST /multi-exec` → the same, run as MULTI … EXEC; a transaction Redis aborts is a 400;
 *  - `GET|POST /cmd/arg/…` path commands, as in Upstash's docs;
 *  - `Authorization: Bearer <token>` or `?_token=`, else 401;
 *  - `Upstash-Encoding: base64`: every string in a result is base64, except the status reply "OK".
 *
 * Redis 7.0 rejects the `allow-key-locking` flag that @upstash/ratelimit's scripts declare in their
 * `#!lua flags=…` shebang (newer Redis versions know it), so scripts are rewritten without that flag.
 * The client addresses scripts by the SHA1 of the text it sent; EVALSHA of that SHA is mapped to the
 * rewritten script's SHA, and SCRIPT LOAD answers with the client's SHA.
 */
export type UpstashFake = {
  url: string;
  token: string;
  /** Command names received, upper case, in order (pipelines and transactions flattened). */
  commands: string[];
  /** Runs one command on the Redis behind the fake (for assertions and cleanup). */
  redis(...args: string[]): Promise<unknown>;
  close(): Promise<void>;
};

export class RedisReplyError extends Error {}

type Reply = string | number | null | RedisReplyError | Reply[] | { status: string };

/** One RESP2 connection. Replies come back in order, so requests are matched to replies FIFO. */
class RespConnection {
  private readonly socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private readonly ready: Promise<void>;

  constructor(host: string, port: number) {
    this.socket = net.connect({ host, port });
    this.ready = new Promise((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("error", reject);
    });
    this.socket.on("data", (chunk) => this.onData(chunk));
    this.socket.on("error", (error) => this.failAll(error));
    this.socket.on("close", () => this.failAll(new Error("Redis connection closed")));
  }

  /** Sends several commands in one write, so no other request's commands can land between them. */
  async send(commands: string[][]): Promise<Reply[]> {
    await this.ready;
    // Promise executors run at once, so the queue order is the write order.
    const replies = commands.map(() => new Promise<Reply>((resolve, reject) => void this.pending.push({ resolve, reject })));
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.end();
    });
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const parsed = parseReply(this.buffer, 0);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.next);
      this.pending.shift()?.resolve(parsed.value);
    }
  }

  private failAll(error: Error) {
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}

function encodeCommand(args: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, "utf8");
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Parses one RESP2 reply at `offset`, or returns null when the buffer does not hold all of it yet. */
function parseReply(buf: Buffer, offset: number): { value: Reply; next: number } | null {
  const lineEnd = buf.indexOf("\r\n", offset);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString("utf8", offset + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case "+":
      return { value: { status: line }, next: after };
    case "-":
      return { value: new RedisReplyError(line), next: after };
    case ":":
      return { value: Number(line), next: after };
    case "$": {
      const length = Number(line);
      if (length < 0) return { value: null, next: after };
      if (buf.length < after + length + 2) return null;
      return { value: buf.toString("utf8", after, after + length), next: after + length + 2 };
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return { value: null, next: after };
      const items: Reply[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return null;
        items.push(item.value);
        next = item.next;
      }
      return { value: items, next };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

const SHEBANG = /^#!lua([^\n]*)/;

/** Drops the flags Redis 7.0 does not know from a script's shebang; other scripts pass unchanged. */
function rewriteScript(script: string): string {
  const match = SHEBANG.exec(script);
  if (!match) return script;
  const flags = /flags=([^\s]*)/.exec(match[1]!)?.[1]?.split(",").filter((f) => f && f !== "allow-key-locking") ?? [];
  return script.replace(SHEBANG, flags.length ? `#!lua flags=${flags.join(",")}` : "#!lua");
}

function toArg(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function toJson(reply: Reply, base64: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((r) => (r instanceof RedisReplyError ? r.message : toJson(r, base64)));
  if (reply instanceof RedisReplyError) return reply.message;
  if (typeof reply === "object") return base64 && reply.status !== "OK" ? Buffer.from(reply.status).toString("base64") : reply.status;
  return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
}

export async function startUpstashFake(opts: { redisUrl?: string; token?: string } = {}): Promise<UpstashFake> {
  const redisUrl = new URL(opts.redisUrl ?? "redis://127.0.0.1:6379");
  const conn = new RespConnection(redisUrl.hostname, Number(redisUrl.port || 6379));
  const token = opts.token ?? `fake_${Math.random().toString(36).slice(2)}`;
  const commands: string[] = [];
  // SHA1 of a script as the client sent it → SHA1 of the script Redis actually holds.
  const shaMap = new Map<string, string>();

  function prepare(raw: unknown): { args: string[]; answer?: (reply: Reply) => Reply } {
    if (!Array.isArray(raw) || raw.length === 0) throw new RedisReplyError("ERR command must be a non-empty JSON array");
    const args = raw.map(toArg);
    const name = args[0]!.toUpperCase();
    commands.push(name);
    if ((name === "EVAL" || name === "EVAL_RO") && args[1]) {
      const rewritten = rewriteScript(args[1]);
      if (rewritten !== args[1]) shaMap.set(sha1(args[1]), sha1(rewritten));
      args[1] = rewritten;
    } else if ((name === "EVALSHA" || name === "EVALSHA_RO") && args[1]) {
      args[1] = shaMap.get(args[1].toLowerCase()) ?? args[1];
    } else if (name === "SCRIPT" && args[1]?.toUpperCase() === "LOAD" && args[2]) {
      const original = args[2];
      const rewritten = rewriteScript(original);
      shaMap.set(sha1(original), sha1(rewritten));
      args[2] = rewritten;
      // The client expects the SHA of the script it sent.
      return { args, answer: (reply) => (reply instanceof RedisReplyError ? reply : sha1(original)) };
    } else if (name === "SCRIPT" && args[1]?.toUpperCase() === "EXISTS") {
      return { args: args.map((a, i) => (i >= 2 ? (shaMap.get(a.toLowerCase()) ?? a) : a)) };
    }
    return { args };
  }

  async function run(list: unknown[]): Promise<Reply[]> {
    const prepared = list.map(prepare);
    const replies = await conn.send(prepared.map((p) => p.args));
    return replies.map((r, i) => prepared[i]!.answer?.(r) ?? r);
  }

  async function handle(path: string, body: unknown): Promise<{ status: number; json: (base64: boolean) => unknown }> {
    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body) || body.length === 0 || !body.every((c) => Array.isArray(c))) {
        return { status: 400, json: () => ({ error: "ERR expected an array of commands" }) };
      }
      let replies: Reply[];
      if (path === "/multi-exec") {
        const all = await run([["MULTI"], ...body, ["EXEC"]]);
        const exec = all[all.length - 1]!;
        if (exec instanceof RedisReplyError || exec === null) {
          const queued = all.slice(1, -1).find((r) => r instanceof RedisReplyError) as RedisReplyError | undefined;
          return { status: 400, json: () => ({ error: (queued ?? exec ?? new RedisReplyError("EXECABORT")).message }) };
        }
        replies = exec as Reply[];
      } else {
        replies = await run(body);
      }
      return {
        status: 200,
        json: (b64) => replies.map((r) => (r instanceof RedisReplyError ? { error: r.message } : { result: toJson(r, b64) })),
      };
    }
    const command = path === "/" ? body : path.split("/").filter(Boolean).map(decodeURIComponent).concat(Array.isArray(body) ? body : body === undefined ? [] : [body]);
    const [reply] = await run([command]);
    if (reply instanceof RedisReplyError) return { status: 400, json: () => ({ error: reply.message }) };
    return { status: 200, json: (b64) => ({ result: toJson(reply!, b64) }) };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      const url = new URL(req.url ?? "/", "http://fake");
      const presented = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1] ?? url.searchParams.get("_token");
      if (presented !== token) return send(401, { error: "Unauthorized" });
      let body: unknown;
      const text = Buffer.concat(chunks).toString("utf8");
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return send(400, { error: "ERR failed to parse the JSON body" });
      }
      const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      handle(url.pathname, body).then(
        (out) => send(out.status, out.json(base64)),
        (error: Error) => (error instanceof RedisReplyError ? send(400, { error: error.message }) : send(500, { error: `ERR ${error.message}` })),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    commands,
    async redis(...args: string[]) {
      const [reply] = await conn.send([args]);
      if (reply instanceof RedisReplyError) throw reply;
      return toJson(reply!, false);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await conn.close();
    },
  };
}
