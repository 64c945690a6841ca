"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/components/ui";

export type NavItem = { href: string; label: string };

export function NavLinks({ items }: { items: NavItem[] }) {
  const path = usePathname();
  return (
    <ul className="space-y-0.5">
      {items.map((item) => {
        const active = item.href === "/dashboard" ? path === "/dashboard" : path === item.href || path.startsWith(`${item.href}/`);
        return (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={active ? "page" : undefined}
              // On a phone the menu is a <details>: the layout stays mounted across pages, so close it on the way.
              onClick={(e) => e.currentTarget.closest("details")?.removeAttribute("open")}
              className={cx("block rounded-lg px-3 py-2 text-sm font-medium", active ? "bg-brand-50 text-brand-800" : "text-gray-700 hover:bg-gray-100 hover:text-ink")}
            >
              {item.label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
