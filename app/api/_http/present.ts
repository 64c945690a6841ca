import { z } from "zod";
import type { Card, Customer, LedgerEntry, Program, Reward, Voucher, WebhookEndpoint } from "@/db/schema";
import { cardLinks } from "@/lib/cards/links";
import { rewardImageUrl } from "@/lib/rewards/images";
import { ExpiryPolicy } from "@/lib/expiry/policy";
import { PassDesign } from "@/lib/programs/design";
import { EarningRules } from "@/lib/rules/schema";
import { TierLadder } from "@/lib/tiers/schema";
import { voucherToken } from "@/lib/vouchers/token";

// Response shapes: the serializers below produce them, and the OpenAPI document shows them.

export const ProgramOut = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(["points", "stamps", "cashback"]),
  status: z.enum(["active", "paused", "archived"]),
  currency: z.string(),
  rules: EarningRules,
  tiers: TierLadder.nullable(),
  expiry: ExpiryPolicy,
  stampsRequired: z.int().nullable(),
  stampRewardId: z.string().nullable(),
  reminderDays: z.array(z.int()),
  design: PassDesign,
  endsAt: z.iso.datetime().nullable().describe("When the program ends; its wallet passes expire then."),
  refundsMayGoNegative: z.boolean().describe("A refund of points already spent takes the balance below zero (true) or leaves a debt the next earn pays first (false)."),
  createdAt: z.iso.datetime(),
});

export const RewardOut = z.object({
  id: z.string(),
  programId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  cost: z.int(),
  value: z.int().nullable().describe("What giving it costs the business, in minor units of the program's currency."),
  inventory: z.int().nullable(),
  active: z.boolean(),
  eligibleTiers: z.array(z.string()).describe("Tiers whose members may redeem it; empty: every member."),
  availableFrom: z.iso.datetime().nullable(),
  availableUntil: z.iso.datetime().nullable().describe("Exclusive end of the window it can be redeemed in."),
  imageUrl: z.url().nullable().describe("Its picture, served from a content-addressed (cacheable) URL."),
  partnerUserId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export const CardOut = z.object({
  id: z.string(),
  programId: z.string(),
  customerId: z.string(),
  balance: z.int().describe("Can be below zero only after a refund of spent points on a program that allows it."),
  debt: z.int().min(0).describe("Points a refund took back after they were spent; the next earns pay it first."),
  lifetimeEarned: z.int(),
  tier: z.string().nullable(),
  status: z.enum(["active", "closed"]),
  referralCode: z.string(),
  qrToken: z.string().describe("Signed token shown in the card's QR code."),
  links: z.object({ card: z.url(), apple: z.url(), google: z.url() }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const CustomerOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  birthday: z.iso.date().nullable(),
  language: z.enum(["en", "es", "fr", "de"]),
  marketingConsent: z.boolean().describe("Agreed to marketing email (and not unsubscribed since)"),
  erased: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const EntryOut = z.object({
  id: z.string(),
  cardId: z.string(),
  kind: z.enum(["earn", "redeem", "adjust", "reverse", "expire", "bonus", "payout"]),
  amount: z.int(),
  balanceAfter: z.int(),
  source: z.string(),
  reference: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export const VoucherOut = z.object({
  id: z.string(),
  cardId: z.string(),
  rewardId: z.string().nullable(),
  title: z.string(),
  code: z.string(),
  token: z.string().describe("Signed token for the voucher's QR code."),
  status: z.enum(["issued", "redeemed", "void"]),
  expiresAt: z.iso.datetime(),
  redeemedAt: z.iso.datetime().nullable(),
  redeemedLocationId: z.string().nullable(),
  issuedLocationId: z.string().nullable().describe("Where a goodwill voucher was given."),
  voidedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

/** A list response: `{ data: [...] }`. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item) });

export const ProblemOut = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const iso = (d: Date) => d.toISOString();

export function presentProgram(p: Program): z.infer<typeof ProgramOut> {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    status: p.status,
    currency: p.currency,
    rules: p.rules,
    tiers: p.tiers ?? null,
    expiry: p.expiry,
    stampsRequired: p.stampsRequired,
    stampRewardId: p.stampRewardId,
    reminderDays: p.reminderDays,
    design: p.design,
    endsAt: p.endsAt ? iso(p.endsAt) : null,
    refundsMayGoNegative: p.refundsMayGoNegative,
    createdAt: iso(p.createdAt),
  };
}

export function presentReward(r: Reward): z.infer<typeof RewardOut> {
  return {
    id: r.id,
    programId: r.programId,
    name: r.name,
    description: r.description,
    cost: r.cost,
    value: r.value,
    inventory: r.inventory,
    active: r.active,
    eligibleTiers: r.eligibleTiers,
    availableFrom: r.availableFrom ? iso(r.availableFrom) : null,
    availableUntil: r.availableUntil ? iso(r.availableUntil) : null,
    imageUrl: rewardImageUrl(r.imageHash),
    partnerUserId: r.partnerUserId,
    createdAt: iso(r.createdAt),
  };
}

export function presentCard(c: Card): z.infer<typeof CardOut> {
  const links = cardLinks(c);
  return {
    id: c.id,
    programId: c.programId,
    customerId: c.customerId,
    balance: c.balance,
    debt: c.debt,
    lifetimeEarned: c.lifetimeEarned,
    tier: c.tier,
    status: c.status,
    referralCode: c.referralCode,
    qrToken: links.qrToken,
    links: { card: links.card, apple: links.apple, google: links.google },
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function presentCustomer(c: Customer): z.infer<typeof CustomerOut> {
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    phone: c.phone,
    birthday: c.birthday,
    language: c.language,
    marketingConsent: c.marketingConsentAt !== null,
    erased: c.erasedAt !== null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** An entry as the API shows it; no `seq`, so a keyed earn can make its answer before the write (earnOnce). */
export function presentEntry(e: Omit<LedgerEntry, "seq">): z.infer<typeof EntryOut> {
  return { id: e.id, cardId: e.cardId, kind: e.kind, amount: e.amount, balanceAfter: e.balanceAfter, source: e.source, reference: e.reference, createdAt: iso(e.createdAt) };
}

export function presentVoucher(v: Voucher): z.infer<typeof VoucherOut> {
  return {
    id: v.id,
    cardId: v.cardId,
    rewardId: v.rewardId,
    title: v.title,
    code: v.code,
    token: voucherToken(v),
    status: v.status,
    expiresAt: iso(v.expiresAt),
    redeemedAt: v.redeemedAt ? iso(v.redeemedAt) : null,
    redeemedLocationId: v.redeemedLocationId,
    issuedLocationId: v.issuedLocationId,
    voidedAt: v.voidedAt ? iso(v.voidedAt) : null,
    createdAt: iso(v.createdAt),
  };
}

export const WebhookEndpointOut = z.object({
  id: z.string(),
  url: z.url(),
  description: z.string().nullable(),
  events: z.array(z.string()).describe("Event types delivered to it."),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
});

export function presentWebhookEndpoint(e: WebhookEndpoint): z.infer<typeof WebhookEndpointOut> {
  return { id: e.id, url: e.url, description: e.description, events: e.events, active: e.active, createdAt: e.createdAt.toISOString() };
}

export const WebhookSecretOut = z.object({
  secret: z.string().describe("The signing secret (Standard Webhooks, whsec_…). Shown only in this answer: store it now."),
});
