import type { CohortRow } from "@/lib/insights/metrics";

const monthName = (m: string) => new Intl.DateTimeFormat("en-US", { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${m}-01T00:00:00Z`));

/** Share retained → a green of matching strength, light enough that dark text reads on every cell (WCAG AA). */
function shade(share: number) {
  return { background: `hsl(152 60% ${96 - Math.round(share * 41)}%)`, color: "#111827" };
}

/**
 * The cohort heat map as a real table: a row per joining month, a column per month since; each
 * cell's colour follows the share retained, and its text (and label) says the share and the count.
 */
export function CohortHeatMap({ rows }: { rows: CohortRow[] }) {
  const months = rows.length;
  if (rows.every((r) => r.members === 0)) return <p className="text-sm text-gray-600">No members joined in these months.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-separate border-spacing-0.5 text-sm" data-testid="cohort-heatmap">
        <caption className="sr-only">Share of each month&apos;s new members who visited in each later month</caption>
        <thead>
          <tr>
            <th scope="col" className="px-2 py-1 text-left font-medium text-gray-600">
              Joined
            </th>
            <th scope="col" className="px-2 py-1 text-right font-medium text-gray-600">
              Members
            </th>
            {Array.from({ length: months }, (_, k) => (
              <th key={k} scope="col" className="px-2 py-1 text-center font-medium text-gray-600">
                {k === 0 ? "Month 0" : `+${k}`}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.cohort}>
              <th scope="row" className="whitespace-nowrap px-2 py-1 text-left font-medium">
                {monthName(r.cohort)}
              </th>
              <td className="px-2 py-1 text-right tabular-nums">{r.members}</td>
              {Array.from({ length: months }, (_, k) => {
                const n = r.retained[k];
                if (n === undefined) return <td key={k} aria-label="not yet" />;
                const share = r.members > 0 ? n / r.members : 0;
                return (
                  <td
                    key={k}
                    className="rounded px-2 py-1 text-center tabular-nums"
                    style={shade(share)}
                    title={`${n} of ${r.members}`}
                    aria-label={`${monthName(r.cohort)} cohort, month ${k}: ${Math.round(share * 100)}% (${n} of ${r.members})`}
                  >
                    {r.members > 0 ? `${Math.round(share * 100)}%` : "—"}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
