// Headless Chromium test of search on a site built with `mallette build --offline` and opened
// from disk, the way a rural library uses a copy on a USB key: no server, `file://` URLs only.
// Driven by tests/search_browser.rs, which builds the starter wiki with --offline.
//
//   node tests/browser/offline.mjs /path/to/site
//
// Prints one line per step ("ok …" / "FAIL …") and a closing "N passed, N failed" line; exits 1 on
// any failure. Uses Debian's chromium (/usr/bin/chromium, or $CHROMIUM): never downloads a browser.
import { existsSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { check, finish, launch, watch } from './lib.mjs';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node offline.mjs SITE_DIR');
  process.exit(2);
}
const root = pathToFileURL(dir.endsWith('/') ? dir : dir + '/').href;

// A link of the built site leads to a file on disk.
function onDisk(href) {
  if (!href.startsWith('file:')) return false;
  return existsSync(fileURLToPath(href.split(/[?#]/)[0]));
}

const browser = await launch();
try {
  const page = await browser.newPage();
  const { problems, requests } = watch(page);

  // 1. The header box of the home page, with a typo: the passwords kit comes first.
  await page.goto(root + 'index.html');
  check(page.url().startsWith('file:///'), `the home page is opened from disk (${page.url()})`);
  await page.fill('#site-search-q', 'mot de pase');
  const popoverHits = await page
    .waitForFunction(() => {
      const links = [...document.querySelectorAll('.search-popover:not([hidden]) .search-hit a')];
      return links.length > 0 && links.map((a) => [a.href, a.textContent]);
    }, null, { timeout: 30000 })
    .then((h) => h.jsonValue())
    .catch(() => []);
  check(popoverHits.length > 0, `typing "mot de pase" in the header box shows results (${popoverHits.length})`);
  const [firstHref, firstTitle] = popoverHits[0] || ['', ''];
  check(/kits\/mots-de-passe-et-gestionnaire\/index\.html$/.test(firstHref), `the first result is the passwords kit (${firstHref})`);
  check(popoverHits.every(([href]) => onDisk(href)), 'every result links to a file of the built site');

  // 2. Following the result opens the kit from disk.
  if (firstHref) {
    await page.click('.search-popover .search-hit a >> nth=0');
    await page.waitForLoadState('load');
    check(page.url() === firstHref, `the result opens the kit page (${page.url()})`);
    const h1 = (await page.locator('h1').first().textContent().catch(() => '')).trim();
    check(h1 === firstTitle.trim(), `the kit page's title is the result's ("${h1}")`);
  }

  // 3. The search page: accents and plurals, then a filter, state in the URL.
  await page.goto(root + 'search/index.html?q=donnees');
  const hitsOf = () =>
    page
      .waitForFunction(() => {
        const r = document.getElementById('search-results');
        const total = r && r.getAttribute('data-total');
        const state = r && r.getAttribute('data-state') === new URLSearchParams(location.search).toString();
        return state && total !== null && [Number(total), [...r.querySelectorAll('.search-hit a')].map((a) => [a.href, a.textContent])];
      }, null, { timeout: 30000 })
      .then((h) => h.jsonValue())
      .catch(() => [null, []]);
  let [total, hits] = await hitsOf();
  check(total > 0, `"donnees" on the search page finds kits (${total})`);
  check(hits.some(([, title]) => title.includes('mes données')), 'one of them is "Cartes à trier — mes données…"');
  check(hits.every(([href]) => onDisk(href)), 'every result links to a file of the built site');

  const box = page.locator('#search-filters input[type=checkbox][value="vie-privee"]').first();
  const hasBox = (await box.count()) > 0;
  check(hasBox, 'the theme filter "vie-privee" is offered');
  if (hasBox) {
    await box.check();
    await page.waitForFunction(() => location.search.includes('themes=vie-privee'), null, { timeout: 10000 }).catch(() => null);
    check(page.url().includes('themes=vie-privee'), `the filter is kept in the URL (${page.url()})`);
    const [narrowed, narrowedHits] = await hitsOf();
    check(narrowed > 0 && narrowed <= total, `the filter narrows the results (${total} → ${narrowed})`);
    check(narrowedHits.every(([href]) => onDisk(href)), 'every filtered result links to a file of the built site');
  }

  // 4. Nothing but files of the site was requested, and nothing went wrong.
  const foreign = requests.filter((u) => !u.startsWith(root) && !u.startsWith('data:') && !u.startsWith('blob:'));
  check(foreign.length === 0, `no request outside the site folder${foreign.length ? ': ' + foreign.join(', ') : ''}`);
  check(problems.length === 0, `no console error${problems.length ? ': ' + problems.join(' | ') : ''}`);
} finally {
  await browser.close();
}
finish();
