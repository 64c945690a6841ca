import { expect, test } from "@playwright/test";

/** What browsers, home screens, crawlers and link previews fetch from the site besides its pages. */

test("the landing page has a favicon, a touch icon, a web manifest and a social image", async ({ page, request, baseURL }) => {
  await page.goto("/");
  const head = page.locator("head");
  const icons = await head.locator('link[rel="icon"]').evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
  expect(icons.map((href) => new URL(href).pathname).sort()).toEqual(["/favicon.ico", "/icon.svg"]);
  const touch = await head.locator('link[rel="apple-touch-icon"]').getAttribute("href");
  const manifestHref = await head.locator('link[rel="manifest"]').getAttribute("href");

  // The social image is an absolute URL on the configured origin, and is a 1200×630 PNG.
  const ogImage = await head.locator('meta[property="og:image"]').getAttribute("content");
  expect(ogImage).toBe(`${baseURL}/og.png`);
  await expect(head.locator('meta[property="og:image:width"]')).toHaveAttribute("content", "1200");
  await expect(head.locator('meta[name="twitter:card"]')).toHaveAttribute("content", "summary_large_image");

  const png = async (url: string, size: [number, number]) => {
    const res = await request.get(url);
    expect(res.status(), url).toBe(200);
    expect(res.headers()["content-type"], url).toBe("image/png");
    const body = await res.body();
    expect([body.readUInt32BE(16), body.readUInt32BE(20)], `${url} is ${size.join("×")}`).toEqual(size);
  };
  await png(ogImage!, [1200, 630]);
  await png(touch!, [180, 180]);

  const favicon = await request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect((await favicon.body()).readUInt16LE(2), "an ICO file").toBe(1);

  const manifest = await (await request.get(manifestHref!)).json();
  expect(manifest.name).toBe("Keepcard");
  for (const icon of manifest.icons.filter((i: { type: string }) => i.type === "image/png")) {
    const [w, h] = icon.sizes.split("x").map(Number);
    await png(icon.src, [w, h]);
  }
});

test("robots.txt keeps cards, the dashboard, the scanner and the API out of search engines", async ({ request }) => {
  const res = await request.get("/robots.txt");
  expect(res.status()).toBe(200);
  const disallowed = (await res.text()).split("\n").filter((l) => l.startsWith("Disallow:")).map((l) => l.slice("Disallow:".length).trim());
  expect(disallowed).toEqual(expect.arrayContaining(["/c/", "/dashboard", "/staff", "/api"]));
  expect(disallowed, "the landing page and join pages stay visible").not.toContain("/");
});
