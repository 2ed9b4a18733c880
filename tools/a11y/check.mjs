// Accessibility check of rendered HTML reports with axe-core in headless Chromium.
//
//   node tools/a11y/check.mjs out/2025/corporate-parenting-2025.html [more.html ...]
//
// Prints every violation and exits 1 when any is serious or critical.
// Needs Debian's chromium (/usr/bin/chromium) and `npm install` in tools/a11y.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tools/a11y/check.mjs REPORT.html [...]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  ],
});
let blocking = 0;
try {
  for (const file of files) {
    const page = await browser.newPage();
    await page.goto(pathToFileURL(resolve(file)).href);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { resultTypes: ["violations"] }));
    const serious = result.violations.filter((v) => ["serious", "critical"].includes(v.impact));
    blocking += serious.length;
    console.log(`${file}: ${result.violations.length} violation(s), ${serious.length} serious or critical`);
    for (const v of result.violations) {
      console.log(`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element(s))`);
      for (const node of v.nodes.slice(0, 3)) console.log(`      ${node.target.join(" ")}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
process.exit(blocking > 0 ? 1 : 0);
