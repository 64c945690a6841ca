/** Small hand-drawn SVG charts: no chart library, rendered on the server, readable by screen readers. */

type Series = { name: string; color: string; values: number[] };

function niceMax(v: number) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

const W = 600;
const H = 180;
const PAD = { l: 44, r: 8, t: 10, b: 22 };

function axis(max: number, labels: string[]) {
  const ticks = [0, max / 2, max];
  const step = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <g className="text-[10px]" fill="#4b5563">
      {ticks.map((t) => {
        const y = PAD.t + (H - PAD.t - PAD.b) * (1 - t / max);
        return (
          <g key={t}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y} y2={y} stroke="#e5e7eb" />
            <text x={PAD.l - 6} y={y + 3} textAnchor="end">
              {t >= 1000 ? `${+(t / 1000).toFixed(1)}k` : +t.toFixed(1)}
            </text>
          </g>
        );
      })}
      {labels.map((l, i) =>
        i % step === 0 ? (
          <text key={l} x={PAD.l + ((W - PAD.l - PAD.r) * (i + 0.5)) / labels.length} y={H - 6} textAnchor="middle">
            {l}
          </text>
        ) : null,
      )}
    </g>
  );
}

export function LineChart({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const x = (i: number) => PAD.l + ((W - PAD.l - PAD.r) * (i + 0.5)) / labels.length;
  const y = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  const summary = series.map((s) => `${s.name}: ${s.values.at(0) ?? 0} to ${s.values.at(-1) ?? 0}`).join("; ");
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-44 w-full" role="img" aria-label={`${title}. ${summary}`}>
        {axis(max, labels)}
        {series.map((s) => (
          <g key={s.name}>
            <path
              d={`M${x(0)},${y(0)} ` + s.values.map((v, i) => `L${x(i)},${y(v)}`).join(" ") + ` L${x(s.values.length - 1)},${y(0)} Z`}
              fill={s.color}
              opacity={0.08}
            />
            <polyline points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" />
          </g>
        ))}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

export function BarChart({ title, labels, series }: { title: string; labels: string[]; series: Series[] }) {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const slot = (W - PAD.l - PAD.r) / labels.length;
  const bar = Math.max(1, (slot * 0.8) / series.length);
  const totals = series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)} in total`).join("; ");
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} className="h-44 w-full" role="img" aria-label={`${title}. ${totals}`}>
        {axis(max, labels)}
        {labels.map((l, i) =>
          series.map((s, j) => {
            const v = s.values[i] ?? 0;
            const h = ((H - PAD.t - PAD.b) * v) / max;
            return <rect key={`${l}-${s.name}`} x={PAD.l + slot * i + slot * 0.1 + bar * j} y={H - PAD.b - h} width={bar} height={h} fill={s.color} rx={1} />;
          }),
        )}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  return (
    <figcaption className="mt-2 flex flex-wrap gap-4 text-xs text-gray-700">
      {series.map((s) => (
        <span key={s.name} className="inline-flex items-center gap-1.5">
          <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
          {s.name}
        </span>
      ))}
    </figcaption>
  );
}

/**
 * Differences with their 95 % confidence intervals, one row per measure, each on its own scale
 * around zero: a dot for the difference, a line for the interval. A row whose line stays clear of
 * zero is a difference the campaign made (at that confidence).
 */
export function IntervalChart({ title, rows }: { title: string; rows: { label: string; difference: number; low: number | null; high: number | null; text: string }[] }) {
  const RW = 600;
  const RH = 34;
  const L = 170;
  const R = 12;
  const summary = rows.map((r) => `${r.label}: ${r.text}`).join("; ");
  return (
    <figure>
      <svg viewBox={`0 0 ${RW} ${rows.length * RH + 8}`} className="w-full" role="img" aria-label={`${title}. ${summary}`}>
        {rows.map((r, i) => {
          const extent = Math.max(Math.abs(r.low ?? r.difference), Math.abs(r.high ?? r.difference), Math.abs(r.difference), 1e-9) * 1.15;
          const x = (v: number) => L + ((v + extent) / (2 * extent)) * (RW - L - R);
          const y = i * RH + RH / 2 + 4;
          const clear = r.low !== null && r.high !== null && (r.low > 0 || r.high < 0);
          const color = clear ? (r.difference > 0 ? "#047857" : "#b91c1c") : "#6b7280";
          return (
            <g key={r.label}>
              <text x={0} y={y + 4} fontSize={12} fill="#374151">
                {r.label}
              </text>
              <line x1={L} x2={RW - R} y1={y} y2={y} stroke="#e5e7eb" />
              <line x1={x(0)} x2={x(0)} y1={y - 12} y2={y + 12} stroke="#9ca3af" strokeDasharray="3 3" />
              {r.low !== null && r.high !== null ? (
                <>
                  <line x1={x(r.low)} x2={x(r.high)} y1={y} y2={y} stroke={color} strokeWidth={3} strokeLinecap="round" />
                  <line x1={x(r.low)} x2={x(r.low)} y1={y - 6} y2={y + 6} stroke={color} strokeWidth={2} />
                  <line x1={x(r.high)} x2={x(r.high)} y1={y - 6} y2={y + 6} stroke={color} strokeWidth={2} />
                </>
              ) : null}
              <circle cx={x(r.difference)} cy={y} r={5} fill={color} />
            </g>
          );
        })}
      </svg>
      <figcaption className="mt-1 text-xs text-gray-600">Dot: treated minus holdout, per member. Line: its 95 % confidence interval. Dashed: no difference.</figcaption>
    </figure>
  );
}
