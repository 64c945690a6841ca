import type { ReactNode } from "react";

/**
 * The small page a customer lands on from a link in an email (unsubscribe, confirm a deletion):
 * a title, what happens, and the one button that does it (a form POST, so mail scanners that
 * open links change nothing).
 */
export function LinkPage({ merchant, title, children, action }: { merchant?: string; title: string; children: ReactNode; action?: { url: string; label: string; danger?: boolean; fields?: Record<string, string> } }) {
  return (
    <main className="mx-auto grid min-h-dvh max-w-md place-items-center p-6">
      <div className="w-full rounded-2xl bg-white p-6 shadow-sm">
        {merchant && <p className="text-sm text-gray-600">{merchant}</p>}
        <h1 className="mt-1 text-xl font-semibold">{title}</h1>
        <div className="mt-3 space-y-2 text-gray-700">{children}</div>
        {action && (
          <form method="post" action={action.url} className="mt-6">
            {Object.entries(action.fields ?? {}).map(([name, value]) => (
              <input key={name} type="hidden" name={name} value={value} />
            ))}
            <button
              type="submit"
              className={`w-full rounded-xl px-4 py-3 font-medium text-white ${action.danger ? "bg-red-700 hover:bg-red-800" : "bg-brand-700 hover:bg-brand-800"}`}
            >
              {action.label}
            </button>
          </form>
        )}
      </div>
    </main>
  );
}
