/**
 * The dashboard's one table. A page lists its columns (header, cell, optional sort value,
 * alignment) and passes rows; cells are rendered where the page renders (on the server for server
 * pages), and only the rendered cells and their sort values go to the client part, which sorts
 * and pages them. Tables whose rows the server pages (members, audit) pass `pages` instead: links
 * to the previous and next page, and no client-side sorting, which would sort one page only.
 *
 *   const columns: Column<Run>[] = [
 *     { id: "run", header: "Run", cell: (r) => r.name, sort: (r) => r.name },
 *     { id: "paid", header: "Paid", align: "right", cell: (r) => <MoneyCell minor={r.paid} currency="USD" />, sort: (r) => r.paid },
 *   ];
 *   <DataTable caption="Payout runs" columns={columns} rows={runs} rowKey={(r) => r.id} empty={<p>No runs yet.</p>} />
 */
import { Fragment, type ReactNode } from "react";
import { DataTableView, type PageLinks, type SortDirection, type ViewColumn, type ViewRow } from "./data-table-view";

export type { SortDirection };

export type Column<Row> = {
  /** Stable id, used for `defaultSort` and React keys. */
  id: string;
  /** Header text; with `hideHeader` it is read by screen readers only (an "Actions" column). */
  header: string;
  hideHeader?: boolean;
  cell: (row: Row) => ReactNode;
  /** Makes the column sortable by this value; null sorts last in either direction. */
  sort?: (row: Row) => string | number | Date | null | undefined;
  align?: "left" | "right";
  /** Extra classes for this column's cells, e.g. "whitespace-nowrap" or "min-w-[14rem]". */
  className?: string;
};

export type ServerPages = {
  /** Position of the first row shown, from 1. */
  from: number;
  /** Rows in all pages, when known. */
  total?: number;
  prev?: { href: string; label?: string } | null;
  next?: { href: string; label?: string } | null;
};

export type DataTableProps<Row> = {
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  /** What the table lists: a <caption>, read by screen readers; shown with `showCaption`. */
  caption: string;
  showCaption?: boolean;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** Rows per page when the table pages the rows itself (default 50). */
  pageSize?: number;
  /** The server pages the rows: previous/next links, and no sorting in the browser. */
  pages?: ServerPages;
  defaultSort?: { column: string; direction: SortDirection };
  /** Inside a Card: the table reaches the card's edges. Otherwise it draws its own card. */
  inset?: boolean;
};

export function DataTable<Row>({ columns, rows, rowKey, caption, showCaption, empty, pageSize = 50, pages, defaultSort, inset }: DataTableProps<Row>) {
  if (rows.length === 0) return <>{empty}</>;
  const sortable = !pages;
  const viewColumns: ViewColumn[] = columns.map((c) => ({
    id: c.id,
    header: c.header,
    hideHeader: c.hideHeader ?? false,
    align: c.align ?? "left",
    sortable: sortable && Boolean(c.sort),
    className: c.className,
  }));
  const viewRows: ViewRow[] = rows.map((row) => ({
    key: rowKey(row),
    cells: columns.map((c) => <Fragment key={c.id}>{c.cell(row)}</Fragment>),
    sort: columns.map((c) => (sortable && c.sort ? sortKey(c.sort(row)) : null)),
  }));
  const links: PageLinks | undefined = pages
    ? {
        from: pages.from,
        to: pages.from + rows.length - 1,
        total: pages.total,
        prev: pages.prev ? { href: pages.prev.href, label: pages.prev.label ?? "Previous" } : null,
        next: pages.next ? { href: pages.next.href, label: pages.next.label ?? "Next" } : null,
      }
    : undefined;
  const initialSort = defaultSort ? { index: columns.findIndex((c) => c.id === defaultSort.column), direction: defaultSort.direction } : null;
  return (
    <DataTableView
      caption={caption}
      showCaption={showCaption ?? false}
      columns={viewColumns}
      rows={viewRows}
      pageSize={pages ? rows.length : pageSize}
      links={links}
      initialSort={initialSort && initialSort.index >= 0 ? initialSort : null}
      inset={inset ?? false}
    />
  );
}

function sortKey(value: string | number | Date | null | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.getTime() : value;
}
