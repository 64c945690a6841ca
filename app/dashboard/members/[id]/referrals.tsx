import Link from "next/link";
import { DateCell } from "@/components/cells";
import { Badge, formatNumber } from "@/components/ui";
import type { CardReferral } from "@/lib/lifecycle/referral-reads";

const TONE = { pending: "blue", credited: "green", refused: "red" } as const;
const REASON: Record<string, string> = { self_referral: "self-referral", cap_reached: "referrer over the monthly cap", referrer_closed: "referrer's card closed" };

/** A card's referrals: who referred this member, and whom they referred, with each one's status. */
export function MemberReferrals({ referrals, timeZone }: { referrals: CardReferral[]; timeZone: string }) {
  const by = referrals.filter((r) => r.direction === "by");
  const of = referrals.filter((r) => r.direction === "of");
  return (
    <div className="mt-4 grid gap-4 text-sm sm:grid-cols-2" data-testid="member-referrals">
      <div>
        <h3 className="font-medium">Referred by</h3>
        {by.length === 0 ? <p className="mt-1 text-gray-600">Joined without a referral.</p> : <List rows={by} timeZone={timeZone} />}
      </div>
      <div>
        <h3 className="font-medium">Referred {of.length > 0 ? `(${formatNumber(of.length)})` : ""}</h3>
        {of.length === 0 ? <p className="mt-1 text-gray-600">Nobody yet.</p> : <List rows={of} timeZone={timeZone} />}
      </div>
    </div>
  );
}

function List({ rows, timeZone }: { rows: CardReferral[]; timeZone: string }) {
  return (
    <ul className="mt-1 space-y-1">
      {rows.map((r) => (
        <li key={r.id} className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <Link className="text-brand-700 underline" href={`/dashboard/members/${r.otherCustomerId}`}>
            {r.otherName}
          </Link>
          <Badge tone={TONE[r.status]}>{r.status === "pending" ? "pending first purchase" : r.status}</Badge>
          {r.status === "credited" ? <span className="text-gray-700">{r.points > 0 ? `+${formatNumber(r.points)} to this card` : "nothing to this card"}</span> : null}
          {r.reason ? <span className="text-gray-600">({REASON[r.reason] ?? r.reason})</span> : null}
          <span className="text-xs text-gray-600">
            <DateCell value={r.creditedAt ?? r.createdAt} timeZone={timeZone} show="date" />
          </span>
        </li>
      ))}
    </ul>
  );
}
