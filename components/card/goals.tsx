/** One group goal as the card page shows it, every text already in the holder's language. */
export type GoalCardItem = { id: string; name: string; fraction: number; progress: string; reward: string; status: string; mine: string | null; reached: boolean };

/** The card page's group goals: a progress bar per goal, what everyone gets, and whether this member takes part. */
export function GoalCards({ title, progressLabel, goals }: { title: string; progressLabel: string; goals: GoalCardItem[] }) {
  if (goals.length === 0) return null;
  return (
    <section className="mx-4 mt-6" aria-labelledby="goals-title">
      <h2 id="goals-title" className="text-lg font-semibold">
        {title}
      </h2>
      <ul className="mt-2 grid gap-3">
        {goals.map((g) => (
          <li key={g.id} className="rounded-2xl bg-white p-4 shadow-sm" data-testid={`goal-${g.id}`}>
            <p className="font-medium">{g.name}</p>
            <div
              className="mt-2 h-2 rounded-full bg-gray-200"
              role="progressbar"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(g.fraction * 100)}
              aria-label={`${progressLabel}: ${g.name}`}
            >
              <div className={`h-2 rounded-full ${g.reached ? "bg-brand-700" : "bg-brand-500"}`} style={{ width: `${Math.round(g.fraction * 100)}%` }} />
            </div>
            <p className="mt-2 text-sm tabular-nums text-gray-800">{g.progress}</p>
            <p className="mt-1 text-sm text-gray-600">{g.reward}</p>
            <p className="mt-1 text-xs text-gray-600">
              {g.status}
              {g.mine ? ` · ${g.mine}` : ""}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
