import { InngestTestEngine } from "@inngest/test";
import { afterAll, describe, expect, it, vi } from "vitest";

const resend = await vi.hoisted(async () => {
  const { useResendFake } = await import("../support/resend-fake");
  return useResendFake();
});

import { weeklyDigest } from "@/jobs/weekly-digest";
import { setWeeklyDigest, weekStart, weeklyDigestSetting } from "@/lib/reports/digest";
import { earn } from "@/lib/ledger/earn";
import { makeCard, makeMerchant, makeProgram, makeUser } from "../support/fixtures";

afterAll(() => resend.close());

const DAY = 86_400_000;

async function run() {
  const { result, error } = await new InngestTestEngine({ function: weeklyDigest }).execute();
  expect(error).toBeUndefined();
  return result as { sent: number; skipped: number };
}

describe("weekly digest", () => {
  it("emails last week's numbers to each owner once per week, and not to an owner who turned it off", async () => {
    const m = await makeMerchant();
    const program = await makeProgram(m, { rules: { basis: "amount", rate: 1 } });
    const lastWeek = { ...m.ctx, now: () => new Date(weekStart(new Date()).getTime() - 3 * DAY) };
    const card = await makeCard(m, program.id);
    await earn(lastWeek, { cardId: card.id, purchase: { amount: 4250, currency: "USD" } });
    await earn(lastWeek, { cardId: card.id, points: 8 });
    await earn(m.ctx, { cardId: card.id, points: 1000 }); // this week: not in last week's digest

    const [keen, quiet] = [await makeUser(m, "owner"), await makeUser(m, "owner")];
    const admin = await makeUser(m, "admin");
    const mail = (id: string, role = "owner") => `${role}-${id}@example.test`;
    expect(await weeklyDigestSetting({ ...m.ctx, actor: quiet })).toBe(true);
    await setWeeklyDigest({ ...m.ctx, actor: quiet }, { enabled: false });
    expect(await weeklyDigestSetting({ ...m.ctx, actor: quiet })).toBe(false);
    await expect(setWeeklyDigest({ ...m.ctx, actor: admin }, { enabled: false })).rejects.toMatchObject({ code: "forbidden" });

    await run();
    await run();

    const got = resend.to(mail(keen.id));
    expect(got).toHaveLength(1);
    expect(got[0]!.subject).toMatch(/: your week in loyalty \(the week of \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\)$/);
    expect(got[0]!.text).toContain("Visits with an earn: 2");
    expect(got[0]!.text).toContain("Points issued: 50");
    expect(got[0]!.text).toContain("Purchases by members: $42.50");
    expect(got[0]!.text).toContain("/dashboard/reports");
    expect(resend.to(mail(quiet.id))).toHaveLength(0);
    expect(resend.to(mail(admin.id, "admin"))).toHaveLength(0);

    // Turned back on, the next run sends it; the owner who already had this week's gets nothing new.
    await setWeeklyDigest({ ...m.ctx, actor: quiet }, { enabled: true });
    await run();
    expect(resend.to(mail(quiet.id))).toHaveLength(1);
    expect(resend.to(mail(keen.id))).toHaveLength(1);
  });
});
