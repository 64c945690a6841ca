import fs from "node:fs";
import { chromium, expect, test } from "@playwright/test";
import { findChromium, NoBrowserError, type BrowserSources } from "./browser";

/**
 * `npm test` on a machine with only Node and npm: the browser tests find a Chromium in a fixed order,
 * and say what to install when there is none. The machine that runs this may have Debian's Chromium,
 * so the sources are handed in: a machine without it is one where those paths lead nowhere.
 */
const bare: BrowserSources = { override: undefined, debian: "/nonexistent/chromium", playwright: () => "/nonexistent/ms-playwright/chrome", sparticuz: true };

/** A stand-in executable that answers `--version` as a browser would (or fails as a broken one does). */
function fakeBrowser(file: string, works: boolean): string {
  fs.writeFileSync(file, works ? "#!/bin/sh\necho 'Chromium 1.0'\n" : "#!/bin/sh\necho 'error while loading shared libraries: libnss3.so' >&2\nexit 127\n", { mode: 0o755 });
  return file;
}

test("without Debian's or Playwright's Chromium, the tests run in the Chromium of @sparticuz/chromium", async ({ baseURL }) => {
  test.skip(process.platform !== "linux" || process.arch !== "x64", "@sparticuz/chromium ships a browser for Linux x64 only");
  test.setTimeout(5 * 60_000);
  const found = findChromium(bare);
  expect(found.source).toBe("@sparticuz/chromium");

  const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args, headless: true });
  try {
    const page = await browser.newPage({ baseURL });
    await page.goto("/sign-in");
    await expect(page.getByLabel("Work email")).toBeVisible();
  } finally {
    await browser.close();
  }
});

test("the order is PLAYWRIGHT_CHROMIUM_PATH, then Debian's, then Playwright's own; one that cannot start is passed over", async ({}, info) => {
  const good = fakeBrowser(info.outputPath("good-chromium"), true);
  const broken = fakeBrowser(info.outputPath("broken-chromium"), false);

  expect(findChromium({ ...bare, override: good, debian: broken }).source).toBe("PLAYWRIGHT_CHROMIUM_PATH");
  expect(findChromium({ ...bare, debian: good, playwright: () => broken }).executablePath).toBe(good);
  expect(findChromium({ ...bare, debian: broken, playwright: () => good })).toMatchObject({ source: "Playwright's Chromium", executablePath: good });
});

test("with no Chromium that starts, the run stops with one line saying what to install", async ({}, info) => {
  const broken = fakeBrowser(info.outputPath("broken-chromium"), false);
  const message = (() => {
    try {
      findChromium({ ...bare, debian: broken, sparticuz: false });
    } catch (error) {
      expect(error).toBeInstanceOf(NoBrowserError);
      return (error as Error).message;
    }
    throw new Error("a Chromium was found where there is none");
  })();
  expect(message).not.toContain("\n");
  expect(message).toContain("libnss3.so");
  expect(message).toContain("apt-get install chromium");
  expect(message).toContain("npx playwright install --with-deps chromium");

  // An explicit PLAYWRIGHT_CHROMIUM_PATH that does not start is an error, not a reason to use another browser.
  expect(() => findChromium({ ...bare, override: broken })).toThrow(/^PLAYWRIGHT_CHROMIUM_PATH=\S+ does not start/);
});
