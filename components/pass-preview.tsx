/** A faithful-enough picture of the wallet card, updated live as the merchant edits the design. */
export type PassPreviewProps = {
  businessName: string;
  programName: string;
  kind: "points" | "stamps" | "cashback";
  backgroundColor: string;
  foregroundColor: string;
  labelColor: string;
  logoText?: string;
  logoUrl?: string | null;
  stampsRequired?: number | null;
  tierName?: string | null;
};

export function PassPreview(p: PassPreviewProps) {
  const stamps = Math.min(Math.max(p.stampsRequired ?? 10, 2), 50);
  return (
    <div
      className="mx-auto w-full max-w-xs rounded-2xl p-5 shadow-xl ring-1 ring-black/10"
      style={{ background: p.backgroundColor, color: p.foregroundColor }}
      aria-label={`Preview of the ${p.programName} wallet card`}
      role="img"
    >
      <div className="flex items-center justify-between gap-3">
        <div className="flex min-w-0 items-center gap-2">
          {p.logoUrl ? (
            // eslint-disable-next-line @next/next/no-img-element
            <img src={p.logoUrl} alt="" className="size-8 rounded object-contain" />
          ) : (
            <span className="grid size-8 place-items-center rounded bg-white/20 text-sm font-bold">{(p.logoText || p.businessName || "K").slice(0, 1)}</span>
          )}
          <span className="truncate font-semibold">{p.logoText || p.businessName}</span>
        </div>
        {p.tierName ? (
          <span className="text-xs font-semibold uppercase tracking-wide" style={{ color: p.labelColor }}>
            {p.tierName}
          </span>
        ) : null}
      </div>
      <div className="mt-6 text-[11px] uppercase tracking-wider" style={{ color: p.labelColor }}>
        {p.kind === "stamps" ? "Stamps" : p.kind === "cashback" ? "Cashback" : "Points"}
      </div>
      {p.kind === "stamps" ? (
        <div className="mt-2 grid grid-cols-5 gap-2">
          {Array.from({ length: stamps }, (_, i) => (
            <span key={i} className="aspect-square rounded-full border-2" style={{ borderColor: p.labelColor, background: i < 3 ? p.foregroundColor : "transparent", opacity: i < 3 ? 0.9 : 0.6 }} />
          ))}
        </div>
      ) : (
        <div className="text-4xl font-bold tabular-nums">{p.kind === "cashback" ? "$4.20" : "120"}</div>
      )}
      <div className="mt-1 text-sm" style={{ color: p.labelColor }}>
        {p.programName || "Your program"}
      </div>
      <div className="mt-5 grid place-items-center rounded-xl bg-white p-3">
        <div aria-hidden className="grid size-24 grid-cols-7 gap-0.5">
          {Array.from({ length: 49 }, (_, i) => (
            <span key={i} className={(i * 7 + (i % 5)) % 3 === 0 || i % 8 === 0 ? "bg-gray-900" : "bg-white"} />
          ))}
        </div>
      </div>
    </div>
  );
}
