import { DateCell, StatusBadge } from "@/components/cells";
import type { Voucher } from "@/db/schema";
import { voucherState } from "@/lib/vouchers/list";
import { IssueVoucherForm, VoidVoucherButton } from "../../vouchers/voucher-controls";

const STATE_LABEL: Record<string, string> = { issued: "open", redeemed: "used", void: "void", expired: "expired" };

/** A card's vouchers on the member page, each open one with a void button, and a form to give one. */
export function MemberVouchers({
  cardId,
  programId,
  vouchers,
  timeZone,
  canVoid,
  issue,
}: {
  cardId: string;
  programId: string;
  vouchers: Voucher[];
  timeZone: string;
  canVoid: boolean;
  issue: { rewards: { id: string; name: string; programId: string; programName: string }[]; segments: []; programs: [] } | null;
}) {
  const at = new Date();
  return (
    <div className="mt-4" data-testid={`member-vouchers-${cardId}`}>
      <h3 className="text-sm font-medium">Vouchers</h3>
      {vouchers.length === 0 ? <p className="mt-1 text-sm text-gray-600">No vouchers yet.</p> : null}
      <ul className="mt-2 grid gap-2 text-sm">
        {vouchers.map((v) => {
          const state = voucherState(v, at);
          return (
            <li key={v.id} className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-gray-200 px-3 py-2">
              <span>
                <span className="font-medium">{v.title}</span> · <span className="font-mono">{v.code}</span> · <StatusBadge status={state} label={STATE_LABEL[state]} />{" "}
                <span className="text-xs text-gray-600">
                  {state === "redeemed" ? (
                    <>
                      used <DateCell value={v.redeemedAt} timeZone={timeZone} show="date" />
                    </>
                  ) : (
                    <>
                      until <DateCell value={v.expiresAt} timeZone={timeZone} show="date" />
                    </>
                  )}
                </span>
              </span>
              {canVoid && v.status === "issued" ? <VoidVoucherButton voucherId={v.id} title={v.title} /> : null}
            </li>
          );
        })}
      </ul>
      {issue ? (
        <details className="mt-3 rounded-lg border border-gray-200 bg-gray-50 p-3">
          <summary className="cursor-pointer text-sm font-medium">Give a voucher</summary>
          <div className="mt-3">
            <IssueVoucherForm idPrefix={`give-${cardId}`} cardId={cardId} programId={programId} programs={issue.programs} rewards={issue.rewards} segments={issue.segments} />
          </div>
        </details>
      ) : null}
    </div>
  );
}
