import { GoalCards } from "@/components/card/goals";
import type { CardView } from "@/lib/cards/view";
import type { Translator } from "@/lib/i18n";
import { goalProgressText, goalRewardText } from "@/wallet/localized";

/** The card page's group goals, in the holder's language (the same words as the back of the pass). */
export function CardGoals({ view, tr }: { view: CardView; tr: Translator }) {
  if (view.card.status !== "active") return null;
  return (
    <GoalCards
      title={tr.t("goal.title")}
      progressLabel={tr.t("card.progress")}
      goals={view.goals.map((g) => ({
        id: g.id,
        name: g.name,
        fraction: Math.max(0, Math.min(1, g.progress / g.target)),
        progress: goalProgressText(tr, g, view.program),
        reward: goalRewardText(tr, g, view.program),
        reached: g.status === "reached",
        status: g.status === "reached" ? tr.t("goal.reached") : tr.t("goal.ends", { date: tr.date(g.endsAt, { dateStyle: "medium", timeZone: view.merchant.timezone }) }),
        mine: g.participating ? tr.t("goal.you_took_part") : g.status === "active" ? tr.t("goal.join_hint") : null,
      }))}
    />
  );
}
