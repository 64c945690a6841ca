import { describe, expect, it } from "vitest";
import { expectedVisits, fitBgNbd, groupHistories, hyp2f1, lnGamma, logLikelihood, memberLogLikelihood, probabilityAlive, type BgNbdParams, type History } from "@/lib/insights/bgnbd";

/** mulberry32: a small seeded PRNG, so the synthetic members are the same on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number) {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Gamma(shape k, scale 1) by Marsaglia–Tsang, with the k < 1 boost. */
function gamma(u: () => number, k: number): number {
  if (k < 1) return gamma(u, k + 1) * Math.pow(u(), 1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(u);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    if (Math.log(u()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Members drawn from the BG/NBD story itself: λ ~ Gamma(r, α), p ~ Beta(a, b), Poisson visits, drop-out after each repeat visit. */
function simulate(p: BgNbdParams, members: number, seed: number): History[] {
  const u = prng(seed);
  const out: History[] = [];
  for (let i = 0; i < members; i++) {
    const lambda = gamma(u, p.r) / p.alpha;
    const g1 = gamma(u, p.a);
    const drop = g1 / (g1 + gamma(u, p.b));
    const T = 26 + u() * 52; // first visits spread over a year: 26 to 78 weeks of history
    let t = 0;
    let x = 0;
    let tx = 0;
    for (;;) {
      t += -Math.log(1 - u()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (u() < drop) break;
    }
    out.push({ x, tx, T });
  }
  return out;
}

describe("BG/NBD", () => {
  it("computes ln Γ and ₂F₁ like their closed forms", () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(lnGamma(10.3)).toBeCloseTo(13.482, 3);
    // ₂F₁(1, 1; 2; z) = −ln(1 − z) / z
    expect(hyp2f1(1, 1, 2, 0.6)).toBeCloseTo(-Math.log(0.4) / 0.6, 10);
  });

  it("gives the paper's expected visits for its CDNOW example", () => {
    // Fader, Hardie & Lee (2005), section 5: r = 0.243, α = 4.414, a = 0.793, b = 2.426; a customer with
    // x = 2, t_x = 30.43, T = 38.86 weeks is expected to make 1.226 purchases in the next 39 weeks.
    const cdnow = { r: 0.2426, alpha: 4.4136, a: 0.7929, b: 2.4259 };
    expect(expectedVisits(cdnow, { x: 2, tx: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 2);
  });

  it("P(alive) and the likelihood follow the written formulas on hand-worked cases", () => {
    const p = { r: 2, alpha: 10, a: 1.5, b: 3 };
    // No repeat visit: nothing says they left.
    expect(probabilityAlive(p, { x: 0, tx: 0, T: 20 })).toBe(1);
    // x = 3, t_x = 5, T = 20: 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) = 1 / (1 + 1.5/5 · 2^5) = 1 / 10.6
    expect(probabilityAlive(p, { x: 3, tx: 5, T: 20 })).toBeCloseTo(1 / 10.6, 12);
    // A recent last visit keeps them alive: t_x = T gives 1 / (1 + a/(b+x−1)) = 1 / 1.3
    expect(probabilityAlive(p, { x: 3, tx: 20, T: 20 })).toBeCloseTo(1 / 1.3, 12);
    // ln L for x = 0: lnΓ(a+b) − lnΓ(a+b) ... reduces to r ln α − r ln(α+T) (A1 = α^r, A2 = 1, A3 = (α+T)^−r)
    expect(memberLogLikelihood(p, { x: 0, tx: 0, T: 20 })).toBeCloseTo(2 * Math.log(10) - 2 * Math.log(30), 12);
    // Expected visits: more for a member seen lately than for one gone quiet, never negative, and a member
    // with x = 0 expects (a+b−1)/(a−1) · [1 − ((α+T)/(α+T+t))^r ₂F₁(r, b; a+b−1; t/(α+T+t))].
    const t = 13;
    const z = t / (p.alpha + 20 + t);
    const byHand = ((p.a + p.b - 1) / (p.a - 1)) * (1 - Math.pow((p.alpha + 20) / (p.alpha + 20 + t), p.r) * hyp2f1(p.r, p.b, p.a + p.b - 1, z));
    expect(expectedVisits(p, { x: 0, tx: 0, T: 20 }, t)).toBeCloseTo(byHand, 12);
    expect(expectedVisits(p, { x: 3, tx: 19, T: 20 }, t)).toBeGreaterThan(expectedVisits(p, { x: 3, tx: 2, T: 20 }, t));
  });

  it("recovers the parameters of synthetic histories drawn from known ones", () => {
    const truth = { r: 0.8, alpha: 6, a: 0.7, b: 2.5 };
    const fit = fitBgNbd(simulate(truth, 8000, 42));
    expect(fit).not.toBeNull();
    expect(fit!.r).toBeGreaterThan(truth.r * 0.8);
    expect(fit!.r).toBeLessThan(truth.r * 1.2);
    expect(fit!.alpha).toBeGreaterThan(truth.alpha * 0.75);
    expect(fit!.alpha).toBeLessThan(truth.alpha * 1.25);
    expect(fit!.a).toBeGreaterThan(truth.a * 0.65);
    expect(fit!.a).toBeLessThan(truth.a * 1.35);
    expect(fit!.b).toBeGreaterThan(truth.b * 0.65);
    expect(fit!.b).toBeLessThan(truth.b * 1.35);
    // The fit is a maximum: the true parameters are no more likely than the fitted ones.
    const data = simulate(truth, 8000, 42);
    const ll = (p: BgNbdParams) => data.reduce((s, h) => s + memberLogLikelihood(p, h), 0);
    expect(ll(fit!)).toBeGreaterThanOrEqual(ll(truth) - 1e-6);
    // The grouped sum the fit maximises is the same formula.
    expect(logLikelihood(truth, groupHistories(data))).toBeCloseTo(ll(truth), 6);
  }, 60_000);

  it("recovers a second, slower set of parameters too", () => {
    const truth = { r: 0.25, alpha: 4.4, a: 0.8, b: 2.4 };
    const fit = fitBgNbd(simulate(truth, 10000, 7))!;
    expect(fit.r).toBeGreaterThan(truth.r * 0.8);
    expect(fit.r).toBeLessThan(truth.r * 1.2);
    expect(fit.alpha).toBeGreaterThan(truth.alpha * 0.7);
    expect(fit.alpha).toBeLessThan(truth.alpha * 1.3);
    expect(fit.a).toBeGreaterThan(truth.a * 0.6);
    expect(fit.a).toBeLessThan(truth.a * 1.4);
    expect(fit.b).toBeGreaterThan(truth.b * 0.6);
    expect(fit.b).toBeLessThan(truth.b * 1.4);
  }, 60_000);

  it("refuses to fit too little history", () => {
    expect(fitBgNbd([{ x: 0, tx: 0, T: 3 }])).toBeNull();
    expect(fitBgNbd(Array.from({ length: 20 }, () => ({ x: 0, tx: 0, T: 3 })))).toBeNull();
  });
});
