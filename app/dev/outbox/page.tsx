import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { dbReady } from "@/db/client";
import { Badge, formatDate } from "@/components/ui";
import { devOutboxEnabled, listDevOutbox } from "@/lib/email/dev-outbox";

export const metadata: Metadata = { title: "Dev outbox", robots: { index: false } };
export const dynamic = "force-dynamic";

/** Links in a plain-text email, made clickable. */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part} className="break-all font-medium text-brand-700 underline">
        {part}
      </a>
    ) : (
      <span key={i}>{part}</span>
    ),
  );
}

// GET /dev/outbox — every email the app "sent" without Resend: development and end-to-end tests only
export default async function OutboxPage() {
  if (!devOutboxEnabled()) notFound();
  const rows = await listDevOutbox(await dbReady(), { limit: 50 });
  return (
    <main className="mx-auto max-w-3xl px-4 py-8">
      <h1 className="text-2xl font-bold">Dev outbox</h1>
      <p className="mt-1 text-sm text-gray-600">The last 50 emails, newest first. In production these go through Resend.</p>
      {rows.length === 0 ? <p className="mt-8 text-gray-600">No emails yet.</p> : null}
      <ol className="mt-6 space-y-4">
        {rows.map((m) => (
          <li key={m.id} className="rounded-xl border border-gray-200 bg-white p-4 shadow-sm" data-testid="outbox-email" data-to={m.to} data-kind={m.kind}>
            <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
              <span>
                To <strong>{m.to}</strong>
              </span>
              <span className="flex items-center gap-2 text-gray-600">
                <Badge>{m.kind}</Badge>
                {formatDate(m.createdAt)}
              </span>
            </div>
            <h2 className="mt-2 font-semibold">{m.subject}</h2>
            {m.headers && Object.keys(m.headers).length > 0 ? (
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 font-mono text-xs text-gray-600" data-testid="outbox-headers">
                {Object.entries(m.headers).map(([name, value]) => (
                  <div key={name} className="contents">
                    <dt>{name}:</dt>
                    <dd className="break-all" data-header={name}>
                      {value}
                    </dd>
                  </div>
                ))}
              </dl>
            ) : null}
            <pre className="mt-2 whitespace-pre-wrap font-sans text-sm text-gray-800">{linkify(m.text)}</pre>
          </li>
        ))}
      </ol>
    </main>
  );
}
