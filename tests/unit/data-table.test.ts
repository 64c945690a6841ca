import { createElement as h } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DateCell, MoneyCell, StatusBadge, formatRelative } from "@/components/cells";
import { DataTable, type Column } from "@/components/data-table";

type Row = { id: string; name: string; points: number | null };
const rows: Row[] = [
  { id: "a", name: "Ava", points: 120 },
  { id: "b", name: "bob", points: null },
  { id: "c", name: "Cleo", points: 7 },
];
const columns: Column<Row>[] = [
  { id: "name", header: "Name", cell: (r) => r.name, sort: (r) => r.name },
  { id: "points", header: "Points", align: "right", cell: (r) => String(r.points ?? "—"), sort: (r) => r.points },
  { id: "actions", header: "Actions", hideHeader: true, cell: () => "…" },
];
const html = (props: Partial<Parameters<typeof DataTable<Row>>[0]>) =>
  renderToStaticMarkup(h(DataTable<Row>, { columns, rows, rowKey: (r) => r.id, caption: "Members", empty: h("p", null, "Nobody yet"), ...props }));
const bodyText = (markup: string) => [...markup.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].slice(1).map((m) => m[1]!.replace(/<[^>]+>/g, "|").replace(/\|+/g, "|"));

describe("DataTable", () => {
  it("renders a captioned table with column headers and sort buttons only where a column sorts", () => {
    const markup = html({});
    expect(markup).toContain('<caption class="sr-only">Members');
    expect(markup.match(/<th scope="col"/g)).toHaveLength(3);
    expect(markup).toMatch(/<button type="button"[^>]*>Name/);
    expect(markup).toMatch(/<button type="button"[^>]*>Points/);
    expect(markup).toContain('<span class="sr-only">Actions</span>');
    expect(markup).not.toContain("aria-sort");
  });

  it("shows the empty state instead of a table when there are no rows", () => {
    const markup = html({ rows: [] });
    expect(markup).toBe("<p>Nobody yet</p>");
  });

  it("sorts by the default column: numbers as numbers, empty values last, and marks the header", () => {
    const down = html({ defaultSort: { column: "points", direction: "descending" } });
    expect(down).toContain('aria-sort="descending"');
    expect(bodyText(down).map((r) => r.split("|")[1])).toEqual(["Ava", "Cleo", "bob"]);
    const up = html({ defaultSort: { column: "points", direction: "ascending" } });
    expect(bodyText(up).map((r) => r.split("|")[1])).toEqual(["Cleo", "Ava", "bob"]);
    const byName = html({ defaultSort: { column: "name", direction: "ascending" } });
    expect(bodyText(byName).map((r) => r.split("|")[1])).toEqual(["Ava", "bob", "Cleo"]);
  });

  it("pages rows itself and says which ones it shows", () => {
    const markup = html({ pageSize: 2 });
    expect(bodyText(markup)).toHaveLength(2);
    expect(markup).toContain("1–2 of 3");
    expect(markup).toMatch(/<button type="button" disabled=""[^>]*>Previous/);
    expect(markup).toMatch(/<button type="button"(?! disabled)[^>]*>Next/);
  });

  it("with server pages: links, the range from the server, and no sorting in the browser", () => {
    const markup = html({ pages: { from: 26, total: 230, prev: { href: "/x?page=1" }, next: { href: "/x?page=3", label: "Older" } } });
    expect(markup).toContain("26–28 of 230");
    expect(markup).toContain('href="/x?page=1"');
    expect(markup).toMatch(/href="\/x\?page=3"[^>]*>Older/);
    expect(markup).not.toContain("<button");
  });
});

describe("cells", () => {
  it("says how long ago or ahead a time is", () => {
    const now = Date.parse("2026-03-10T12:00:00Z");
    expect(formatRelative("2026-03-10T11:59:30Z", now)).toBe("just now");
    expect(formatRelative("2026-03-10T11:55:00Z", now)).toBe("5 minutes ago");
    expect(formatRelative("2026-03-10T09:00:00Z", now)).toBe("3 hours ago");
    expect(formatRelative("2026-03-09T12:00:00Z", now)).toBe("yesterday");
    expect(formatRelative("2026-03-13T12:00:00Z", now)).toBe("in 3 days");
    expect(formatRelative("2025-01-10T12:00:00Z", now)).toBe("last year");
  });

  it("a date cell carries the machine date and the full date in the merchant's time zone", () => {
    const markup = renderToStaticMarkup(h(DateCell, { value: new Date("2026-03-04T14:30:00Z"), timeZone: "Asia/Tokyo", show: "datetime" }));
    expect(markup).toBe('<time dateTime="2026-03-04T14:30:00.000Z" title="Mar 4, 2026, 11:30 PM" class="whitespace-nowrap">Mar 4, 2026, 11:30 PM</time>');
    expect(renderToStaticMarkup(h(DateCell, { value: null, empty: "never" }))).toContain("never");
  });

  it("money cells use the currency's own minor units", () => {
    expect(renderToStaticMarkup(h(MoneyCell, { minor: 125000, currency: "JPY" }))).toContain("¥125,000");
    expect(renderToStaticMarkup(h(MoneyCell, { minor: 3125, currency: "KWD" }))).toMatch(/KWD\s3\.125/);
  });

  it("one colour per status word", () => {
    expect(renderToStaticMarkup(h(StatusBadge, { status: "failed" }))).toContain("bg-red-100");
    expect(renderToStaticMarkup(h(StatusBadge, { status: "awaiting_export", label: "to pay by hand" }))).toMatch(/bg-amber-100[^>]*>to pay by hand</);
    expect(renderToStaticMarkup(h(StatusBadge, { status: "something_new" }))).toMatch(/bg-gray-100[^>]*>something new</);
  });
});
