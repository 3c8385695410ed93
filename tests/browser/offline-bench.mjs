// Measures search in an --offline build opened from disk (file://): time from the first keystroke
// to the first results (loading the bundle, inflating the engine and index, first query), then
// warm queries. Numbers go to BENCHMARKS.md (section Offline search).
//
//   node tests/browser/offline-bench.mjs SITE_DIR [query…]
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [dir, ...queries] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node offline-bench.mjs SITE_DIR [query…]');
  process.exit(2);
}
const words = queries.length ? queries : ['mot de passe', 'navigateurs', 'donnees', 'scratch', 'courriel'];
const root = pathToFileURL(dir.endsWith('/') ? dir : dir + '/').href;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'], headless: true });
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  const cold = [];
  const warm = [];
  for (let run = 0; run < 3; run++) {
    const page = await browser.newPage();
    await page.goto(root + 'index.html');
    const time = async (q) => {
      const t0 = Date.now();
      await page.fill('#site-search-q', q);
      await page.waitForFunction((q) => {
        const s = document.querySelector('.search-popover .search-status');
        return s && s.textContent && document.querySelector('#site-search-q').value === q && !document.querySelector('.search-popover[aria-busy=true]');
      }, q, { timeout: 120000 });
      await page.waitForFunction(() => document.querySelectorAll('.search-popover .search-hit').length > 0, null, { timeout: 120000 });
      return Date.now() - t0;
    };
    cold.push(await time(words[0]));
    for (const q of words.slice(1)) {
      await page.fill('#site-search-q', '');
      await page.waitForTimeout(200);
      warm.push(await time(q));
    }
    await page.close();
  }
  console.log(JSON.stringify({ site: dir, first_results_ms: median(cold), cold_runs: cold, warm_query_ms: median(warm) }));
} finally {
  await browser.close();
}
