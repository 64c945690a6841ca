"use client";

/**
 * The browser half of DataTable: takes cells the page has already rendered, plus one sort value
 * per cell, and sorts and pages them. Only serialisable props and rendered elements come in, so a
 * server page can use it. Import DataTable (components/data-table.tsx), not this.
 */
import Link from "next/link";
import { useMemo, useState, type ReactNode } from "react";
import { cx } from "./ui";

export type SortDirection = "ascending" | "descending";
export type ViewColumn = { id: string; header: string; hideHeader: boolean; align: "left" | "right"; sortable: boolean; className?: string };
export type ViewRow = { key: string; cells: ReactNode[]; sort: Array<string | number | null> };
export type PageLinks = { from: number; to: number; total?: number; prev: { href: string; label: string } | null; next: { href: string; label: string } | null };
type Sort = { index: number; direction: SortDirection };

/** Cells line up with the card's padding at the table's outer edges. */
const EDGE = "first:pl-5 last:pr-5";

const collator = new Intl.Collator("en-US", { numeric: true, sensitivity: "base" });

function compare(a: string | number | null, b: string | number | null, direction: SortDirection): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1; // empty last, either way
  const order = typeof a === "number" && typeof b === "number" ? a - b : collator.compare(String(a), String(b));
  return direction === "ascending" ? order : -order;
}

export function DataTableView({
  caption,
  showCaption,
  columns,
  rows,
  pageSize,
  links,
  initialSort,
  inset,
}: {
  caption: string;
  showCaption: boolean;
  columns: ViewColumn[];
  rows: ViewRow[];
  pageSize: number;
  links?: PageLinks;
  initialSort: Sort | null;
  inset: boolean;
}) {
  const [sort, setSort] = useState<Sort | null>(initialSort);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    return rows
      .map((row, i) => ({ row, i }))
      .sort((x, y) => compare(x.row.sort[sort.index] ?? null, y.row.sort[sort.index] ?? null, sort.direction) || x.i - y.i)
      .map(({ row }) => row);
  }, [rows, sort]);
  const pageCount = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pageCount - 1);
  const shown = links ? sorted : sorted.slice(current * pageSize, (current + 1) * pageSize);
  const anySortable = columns.some((c) => c.sortable);

  const toggle = (index: number) => {
    setSort((s) => ({ index, direction: s?.index === index && s.direction === "ascending" ? "descending" : "ascending" }));
    setPage(0);
  };

  return (
    <div className={inset ? "-mx-5" : "overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm"}>
      {/* relative: sr-only text in a header is positioned absolutely and must scroll with the table, not widen the page. */}
      <div className="relative overflow-x-auto">
        <table className="w-full text-sm">
          <caption className={showCaption ? "px-5 pt-4 pb-2 text-left font-semibold" : "sr-only"}>
            {caption}
            {anySortable ? <span className="sr-only"> (buttons in the column headers sort it)</span> : null}
          </caption>
          <thead className="bg-gray-50 text-gray-600">
            <tr>
              {columns.map((c, i) => {
                const sortedHere = sort?.index === i ? sort.direction : undefined;
                return (
                  <th key={c.id} scope="col" aria-sort={sortedHere} className={cx("px-3 py-2 font-medium whitespace-nowrap", EDGE, c.align === "right" ? "text-right" : "text-left")}>
                    {c.hideHeader ? (
                      <span className="sr-only">{c.header}</span>
                    ) : c.sortable ? (
                      <button
                        type="button"
                        onClick={() => toggle(i)}
                        className={cx(
                          "-mx-1 inline-flex items-center gap-1 rounded px-1 font-medium hover:text-ink focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:outline-none",
                          c.align === "right" && "flex-row-reverse",
                          sortedHere && "text-ink",
                        )}
                      >
                        {c.header}
                        <SortIcon direction={sortedHere} />
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.key} className="border-t border-gray-100 align-top hover:bg-gray-50/60">
                {row.cells.map((cell, i) => {
                  const c = columns[i]!;
                  return (
                    <td key={c.id} className={cx("px-3 py-3", EDGE, c.align === "right" && "text-right tabular-nums", c.className)}>
                      {cell}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {links ? (
        <Pager range={range(links.from, links.to, links.total)} prev={links.prev ? <PageLink {...links.prev} /> : null} next={links.next ? <PageLink {...links.next} /> : null} />
      ) : pageCount > 1 ? (
        <Pager
          range={range(current * pageSize + 1, current * pageSize + shown.length, sorted.length)}
          prev={
            <PageButton disabled={current === 0} onClick={() => setPage(current - 1)}>
              Previous
            </PageButton>
          }
          next={
            <PageButton disabled={current >= pageCount - 1} onClick={() => setPage(current + 1)}>
              Next
            </PageButton>
          }
        />
      ) : null}
    </div>
  );
}

function range(from: number, to: number, total?: number) {
  return `${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")}${total === undefined ? "" : ` of ${total.toLocaleString("en-US")}`}`;
}

function Pager({ range, prev, next }: { range: string; prev: ReactNode; next: ReactNode }) {
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-3 border-t border-gray-100 px-5 py-3 text-sm">
      <p className="text-gray-600 tabular-nums" aria-live="polite">
        {range}
      </p>
      <div className="flex gap-2">
        {prev}
        {next}
      </div>
    </nav>
  );
}

const PAGER = "inline-flex items-center rounded-lg border border-gray-300 bg-white px-3 py-1.5 font-medium hover:bg-gray-50";

function PageLink({ href, label }: { href: string; label: string }) {
  return (
    <Link href={href} className={PAGER}>
      {label}
    </Link>
  );
}

function PageButton({ disabled, onClick, children }: { disabled: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" disabled={disabled} onClick={onClick} className={cx(PAGER, "disabled:cursor-not-allowed disabled:text-gray-400 disabled:hover:bg-white")}>
      {children}
    </button>
  );
}

function SortIcon({ direction }: { direction?: SortDirection }) {
  return (
    <svg aria-hidden viewBox="0 0 12 12" className={cx("size-3 shrink-0", direction ? "text-ink" : "text-gray-400")} fill="currentColor">
      {direction !== "descending" ? <path d="M6 2 9.5 6h-7z" opacity={direction ? 1 : 0.7} /> : null}
      {direction !== "ascending" ? <path d="M6 10 2.5 6h7z" opacity={direction ? 1 : 0.7} /> : null}
    </svg>
  );
}
