// Headless Chromium test: search results show hostile kit strings as text. Driven by
// tests/search_browser.rs, which builds tests/sites/hostile (titles, summaries and bodies full of
// <script>, <img onerror>, <svg onload>…) with --offline; opened from disk, no server.
//
//   node tests/browser/hostile.mjs SITE_DIR
//
// In the header box and on the search page: the hostile kits are found, their titles and summaries
// appear literally, no element of theirs (script, img, svg, iframe…) is created, no dialog opens.
import { pathToFileURL } from 'node:url';
import { check, finish, launch } from './lib.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node hostile.mjs SITE_DIR');
  process.exit(2);
}
const root = pathToFileURL(dir.endsWith('/') ? dir : dir + '/').href;
const INJECTED = 'script, img, svg, iframe, object, embed, [onerror], [onload], [onmouseover], [onfocus]';

const browser = await launch();
try {
  const page = await browser.newPage();
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });

  // Header box.
  await page.goto(root + 'index.html');
  await page.fill('#site-search-q', 'alert');
  const popover = await page
    .waitForFunction(() => {
      const hits = document.querySelectorAll('.search-popover:not([hidden]) .search-hit');
      return hits.length > 0 && [...hits].map((h) => h.textContent);
    }, null, { timeout: 30000 })
    .then((h) => h.jsonValue())
    .catch(() => []);
  check(popover.length > 0, `"alert" in the header box finds the hostile kits (${popover.length})`);
  check(popover.some((t) => t.includes('<script>alert("titre")</script>')), 'a hostile title is shown as text');
  const injectedInPopover = await page.evaluate((sel) => document.querySelectorAll(`.search-popover :is(${sel})`).length, INJECTED);
  check(injectedInPopover === 0, `no element comes from the kits' strings in the header results (${injectedInPopover})`);

  // Search page.
  await page.goto(root + 'search/index.html?q=alert');
  const hits = await page
    .waitForFunction(() => {
      const r = document.getElementById('search-results');
      const hits = r && r.querySelectorAll('.search-hit');
      return hits && hits.length > 0 && [...hits].map((h) => h.textContent);
    }, null, { timeout: 30000 })
    .then((h) => h.jsonValue())
    .catch(() => []);
  check(hits.length > 0, `"alert" on the search page finds the hostile kits (${hits.length})`);
  check(hits.some((t) => t.includes(`<svg onload=alert('resume')>`)), 'a hostile summary is shown as text');
  const injected = await page.evaluate((sel) => document.querySelectorAll(`#search-results :is(${sel})`).length, INJECTED);
  check(injected === 0, `no element comes from the kits' strings in the results (${injected})`);
  await page.waitForTimeout(300);
  check(dialogs.length === 0, `no script of the kits ran${dialogs.length ? ': ' + dialogs.join(', ') : ''}`);
} finally {
  await browser.close();
}
finish();
