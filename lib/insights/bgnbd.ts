/**
 * The BG/NBD model of repeat visits ("Counting Your Customers the Easy Way", Fader, Hardie & Lee,
 * Marketing Science 24(2), 2005). Pure functions, no database.
 *
 * While a member is alive they visit as a Poisson process of rate λ; after each repeat visit they
 * drop out for good with probability p. Across members λ ~ Gamma(r, α) (shape r, rate α) and
 * p ~ Beta(a, b). What we observe per member, counting time from their first visit:
 *   x    repeat visits (visits after the first),
 *   t_x  time of the last visit (0 when x = 0),
 *   T    time from the first visit to now.
 * Time is in weeks throughout this module.
 *
 * Likelihood of one member (paper, eq. 6):
 *   L(r, α, a, b | x, t_x, T) = A1 · A2 · (A3 + δ(x>0) · A4)
 *     A1 = Γ(r + x) α^r / Γ(r)
 *     A2 = Γ(a + b) Γ(b + x) / (Γ(b) Γ(a + b + x))
 *     A3 = (α + T)^-(r + x)
 *     A4 = a / (b + x − 1) · (α + t_x)^-(r + x)
 * so
 *   ln L = lnΓ(r+x) − lnΓ(r) + r ln α + lnΓ(a+b) + lnΓ(b+x) − lnΓ(b) − lnΓ(a+b+x)
 *          + ln( (α+T)^-(r+x) + δ(x>0) · a/(b+x−1) · (α+t_x)^-(r+x) )
 * and the fit maximises Σ ln L over members (summed with each distinct (x, t_x, T) weighted by how
 * many members share it).
 *
 * P(alive | x, t_x, T) (eq. 13):
 *   1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
 *
 * Expected visits in the next t weeks (eq. 10):
 *   E[Y(t) | x, t_x, T] =
 *     (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *     / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
 */

export type BgNbdParams = { r: number; alpha: number; a: number; b: number };
export type History = { x: number; tx: number; T: number };
export type Fit = BgNbdParams & { logLikelihood: number; members: number; iterations: number };

/** ln Γ(z) for z > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  const x = z - 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Gauss's hypergeometric function ₂F₁(a, b; c; z) by its series, for 0 ≤ z < 1. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 10_000; k++) {
    term *= ((a + k) * (b + k)) / ((c + k) * (k + 1)) * z;
    sum += term;
    if (Math.abs(term) < 1e-14 * Math.abs(sum)) break;
  }
  return sum;
}

function logAddExp(u: number, v: number): number {
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
}

/** ln L of one member (formula above). */
export function memberLogLikelihood(p: BgNbdParams, h: History): number {
  const { r, alpha, a, b } = p;
  const { x, tx, T } = h;
  const lnA1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const lnA2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const lnA3 = -(r + x) * Math.log(alpha + T);
  const tail = x > 0 ? logAddExp(lnA3, Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx)) : lnA3;
  return lnA1 + lnA2 + tail;
}

/**
 * Σ ln L over members, each distinct history weighted by its count: the same formula as
 * memberLogLikelihood, with the terms that depend only on x (the ln Γ's) computed once per x.
 */
export function logLikelihood(p: BgNbdParams, data: { h: History; n: number }[]): number {
  const { r, alpha, a, b } = p;
  const base = r * Math.log(alpha) - lnGamma(r) + lnGamma(a + b) - lnGamma(b);
  const byX = new Map<number, { head: number; lnOdds: number }>();
  let s = 0;
  for (const { h, n } of data) {
    const { x, tx, T } = h;
    let terms = byX.get(x);
    if (!terms) {
      terms = { head: base + lnGamma(r + x) + lnGamma(b + x) - lnGamma(a + b + x), lnOdds: x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0 };
      byX.set(x, terms);
    }
    const lnA3 = -(r + x) * Math.log(alpha + T);
    s += n * (terms.head + (x > 0 ? logAddExp(lnA3, terms.lnOdds - (r + x) * Math.log(alpha + tx)) : lnA3));
  }
  return s;
}

/** P(alive | x, t_x, T): the chance the member has not dropped out (eq. 13). */
export function probabilityAlive(p: BgNbdParams, h: History): number {
  if (h.x === 0) return 1;
  const { r, alpha, a, b } = p;
  const odds = Math.exp(Math.log(a) - Math.log(b + h.x - 1) + (r + h.x) * (Math.log(alpha + h.T) - Math.log(alpha + h.tx)));
  return 1 / (1 + odds);
}

/** Expected visits in the next `t` weeks given the history (eq. 10). */
export function expectedVisits(p: BgNbdParams, h: History, t: number): number {
  const { r, alpha, b } = p;
  // The formula divides by a − 1: step off a = 1 (the expression is continuous there).
  const a = Math.abs(p.a - 1) < 1e-6 ? 1 + 1e-6 : p.a;
  const { x, tx, T } = h;
  const head = (a + b + x - 1) / (a - 1);
  const z = t / (alpha + T + t);
  const bracket = 1 - Math.pow((alpha + T) / (alpha + T + t), r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x) : 0);
  return Math.max(0, (head * bracket) / denominator);
}

/**
 * Nelder–Mead simplex minimisation of `f` from `start` (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½). Stops when the simplex's values agree to `tol`.
 */
export function nelderMead(f: (v: number[]) => number, start: number[], opts: { step?: number; maxIterations?: number; tol?: number } = {}) {
  const n = start.length;
  const step = opts.step ?? 0.5;
  const maxIterations = opts.maxIterations ?? 2000;
  const tol = opts.tol ?? 1e-10;
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((v) => ({ v, f: f(v) }));
  let iterations = 0;
  const combine = (p: number[], q: number[], t: number) => p.map((pi, i) => pi + t * (q[i]! - pi));
  for (; iterations < maxIterations; iterations++) {
    simplex.sort((u, w) => u.f - w.f);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    if (Math.abs(worst.f - best.f) <= tol * (Math.abs(best.f) + tol)) break;
    const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((s, p) => s + p.v[i]!, 0) / n);
    const reflected = combine(centroid, worst.v, -1);
    const fr = f(reflected);
    if (fr < best.f) {
      const expanded = combine(centroid, worst.v, -2);
      const fe = f(expanded);
      simplex[n] = fe < fr ? { v: expanded, f: fe } : { v: reflected, f: fr };
    } else if (fr < simplex[n - 1]!.f) {
      simplex[n] = { v: reflected, f: fr };
    } else {
      const outside = fr < worst.f;
      const contracted = combine(centroid, outside ? reflected : worst.v, 0.5);
      const fc = f(contracted);
      if (fc < (outside ? fr : worst.f)) simplex[n] = { v: contracted, f: fc };
      else
        simplex = simplex.map((p, i) => {
          if (i === 0) return p;
          const v = combine(best.v, p.v, 0.5);
          return { v, f: f(v) };
        });
    }
  }
  simplex.sort((u, w) => u.f - w.f);
  return { x: simplex[0]!.v, f: simplex[0]!.f, iterations };
}

/** Members with the same (x, t_x, T) counted once, so the fit's cost follows distinct histories. */
export function groupHistories(histories: History[]): { h: History; n: number }[] {
  const by = new Map<string, { h: History; n: number }>();
  for (const h of histories) {
    const key = `${h.x}:${h.tx}:${h.T}`;
    const hit = by.get(key);
    if (hit) hit.n++;
    else by.set(key, { h, n: 1 });
  }
  return [...by.values()];
}

/**
 * Maximum-likelihood fit of r, α, a, b: Nelder–Mead on the logarithms of the parameters (so they
 * stay positive), from a few starts, each best point restarted once. Null when there is too little
 * history to fit (fewer than 10 members or no repeat visit).
 */
export function fitBgNbd(histories: History[]): Fit | null {
  if (histories.length < 10 || !histories.some((h) => h.x > 0)) return null;
  const data = groupHistories(histories);
  const members = histories.length;
  const params = (v: number[]): BgNbdParams => ({ r: Math.exp(v[0]!), alpha: Math.exp(v[1]!), a: Math.exp(v[2]!), b: Math.exp(v[3]!) });
  // Minimise the negative mean log-likelihood; parameters far outside any plausible range are refused.
  const objective = (v: number[]) => {
    if (v.some((e) => !Number.isFinite(e) || Math.abs(e) > 12)) return Number.POSITIVE_INFINITY;
    const ll = logLikelihood(params(v), data);
    return Number.isFinite(ll) ? -ll / members : Number.POSITIVE_INFINITY;
  };
  const meanT = histories.reduce((s, h) => s + h.T, 0) / members;
  const meanX = histories.reduce((s, h) => s + h.x, 0) / members;
  const alpha0 = Math.log(Math.max(0.1, meanT / Math.max(0.1, meanX)));
  let best: { x: number[]; f: number; iterations: number } | null = null;
  let iterations = 0;
  for (const start of [
    [0, alpha0, 0, 0],
    [Math.log(0.3), alpha0 + 1, Math.log(0.5), Math.log(2)],
    [Math.log(2), alpha0, Math.log(2), Math.log(5)],
  ]) {
    let run = nelderMead(objective, start, { step: 0.7 });
    run = nelderMead(objective, run.x, { step: 0.2 });
    iterations += run.iterations;
    if (!best || run.f < best.f) best = run;
  }
  if (!best || !Number.isFinite(best.f)) return null;
  return { ...params(best.x), logLikelihood: -best.f * members, members, iterations };
}
