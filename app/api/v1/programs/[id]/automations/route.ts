import { z } from "zod";
import { AutomationsInput, getAutomations, updateAutomations, type Automations } from "@/lib/lifecycle/automations";
import { apiRoute } from "../../../../_http/route";

const Stats = z
  .object({
    qualifying: z
      .object({
        count: z.int(),
        members: z.array(z.object({ cardId: z.string(), customerId: z.string(), name: z.string().nullable() })).describe("A few of them, newest card first."),
      })
      .describe(
        "Who the automation is for this week. welcome: members who joined in the last 7 days; birthday: members whose birthday gift falls due in the next 7 days; referral: referred members still to make a qualifying purchase; winback: members who reach the days without a visit within 7 days (or already have) and have not had the offer since their last visit.",
      ),
    cost: z.object({ grants: z.int(), members: z.int(), points: z.int().describe("In the program's unit."), vouchers: z.int() }).describe("What it has given so far."),
    after: z
      .object({ visits: z.int(), spend: z.int().describe("Minor units of the program's currency."), windowDays: z.int() })
      .describe("Earns and purchase spend on the recipients' cards in the windowDays days after each grant (the grant's own purchase excluded). Not a measured lift: some would have come anyway."),
  })
  .describe("The automation's numbers, whether it is on or off.");

const AutomationsOut = z.object({
  programId: z.string(),
  programKind: z.enum(["points", "stamps", "cashback"]),
  currency: z.string(),
  welcome: z.object({ enabled: z.boolean(), bonus: z.int(), stats: Stats }),
  birthday: z.object({ enabled: z.boolean(), bonus: z.int(), rewardId: z.string().nullable(), daysBefore: z.int(), stats: Stats }),
  referral: z.object({ enabled: z.boolean(), referrerBonus: z.int(), refereeBonus: z.int(), minPurchase: z.int(), monthlyCap: z.int().nullable(), stats: Stats }),
  winback: z.object({ enabled: z.boolean(), days: z.int(), bonus: z.int(), stats: Stats }),
  updatedAt: z.iso.datetime().nullable(),
});

const present = (a: Automations): z.infer<typeof AutomationsOut> => ({ ...a, updatedAt: a.updatedAt ? a.updatedAt.toISOString() : null });

// GET /api/v1/programs/{id}/automations — the program's automations, with who qualifies this week, what they cost and what followed
export const GET = apiRoute(
  { summary: "Get a program's automations", params: ["id"], response: { status: 200, schema: AutomationsOut }, errors: [404] },
  async ({ ctx, params }) => ({ status: 200, body: present(await getAutomations(ctx, params.id)) }),
);

// PUT /api/v1/programs/{id}/automations — switch automations on or off and set what they give; a section left out stays as it is
export const PUT = apiRoute(
  { summary: "Set a program's automations", scope: "manage", params: ["id"], body: AutomationsInput, response: { status: 200, schema: AutomationsOut }, errors: [404] },
  async ({ ctx, params, body }) => ({ status: 200, body: present(await updateAutomations(ctx, { programId: params.id, ...body })) }),
);
