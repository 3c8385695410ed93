// Headless Chromium test of the search UI on a built and served site (driven by
// tests/search_browser.rs, which builds the starter wiki and serves it on 127.0.0.1).
//
//   node tests/browser/search.mjs http://127.0.0.1:PORT/
//
// Prints one line per step ("ok …" / "FAIL …") and a closing "N passed, N failed" line; exits 1 on
// any failure. Uses Debian's chromium (/usr/bin/chromium, or $CHROMIUM): never downloads a browser.
import { check, finish, launch, watch } from './lib.mjs';

const base = process.argv[2];
if (!base) {
  console.error('usage: node search.mjs BASE_URL');
  process.exit(2);
}

const url = (path) => new URL(path, base).href;

// Waits until the results drawn are those of the URL's state and their count is announced;
// returns the announced text.
async function settled(page) {
  await page
    .waitForFunction(() => {
      const r = document.getElementById('search-results');
      const current = new URLSearchParams(location.search).toString();
      const total = r && r.getAttribute('data-total');
      const status = document.getElementById('search-status').textContent;
      return (
        r.getAttribute('data-state') === current &&
        total !== null &&
        (total === '0' ? status.length > 0 : status.includes(total))
      );
    }, null, { timeout: 30000 })
    .catch(() => null);
  return page.locator('#search-status').textContent();
}
const searchFiles = /\/search\/(engine|worker|manifest|i\/)/;

const browser = await launch();
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  const { problems, requests } = watch(page);
  context.on('request', (r) => requests.push(r.url()));

  // 1. Nothing of the search is fetched on page load.
  await page.goto(url(''), { waitUntil: 'load' });
  await page.waitForTimeout(300);
  check(!requests.some((u) => searchFiles.test(u)), 'home page load fetches no search file');

  // 2. Header box: results as you type, after focus starts the engine.
  requests.length = 0;
  await page.focus('#site-search-q');
  await page.keyboard.type('mot de pase', { delay: 30 });
  const popoverHit = await page
    .waitForFunction(() => [...document.querySelectorAll('.search-popover .search-hit a')].some((a) => /Mots de passe solides/.test(a.textContent)), null, { timeout: 20000 })
    .then(() => true, () => false);
  check(popoverHit, 'header box: « mot de pase » shows « Mots de passe solides… » as you type');
  check(requests.some((u) => /\/search\/engine\.[0-9a-f]+\.wasm(\.gz)?$/.test(u)), 'header box: the engine is fetched once a search starts');
  const seeAll = await page.locator('.search-popover-more a').getAttribute('href').catch(() => null);
  check(seeAll && /search\/\?q=mot(%20|\+)de(%20|\+)pase$/.test(seeAll), `header box: a link leads to all results (${seeAll})`);
  await page.keyboard.press('Escape');
  check(await page.locator('.search-popover').isHidden(), 'header box: Escape closes the results');

  // 3. Search page: type a query, see the expected kit with a highlighted snippet.
  await page.goto(url('search/'), { waitUntil: 'load' });
  await page.waitForSelector('#search-filters input[type=checkbox]', { timeout: 20000 });
  check(true, 'search page: filters are drawn before anything is typed');
  check(
    (await page.locator('#search-q').evaluate((i) => i.labels.length > 0 && i.labels[0].offsetParent !== null)),
    'search page: the search field has a visible label',
  );
  await page.focus('#search-q');
  await page.keyboard.type('code de cesar', { delay: 30 });
  const first = await page
    .waitForFunction(() => {
      const a = document.querySelector('#search-results .search-hit .card-title a');
      return a && /code de César/.test(a.textContent) ? a.textContent : null;
    }, null, { timeout: 20000 })
    .then((h) => h.jsonValue(), () => null);
  check(Boolean(first), `search page: « code de cesar » ranks the César cipher kit first (${first})`);
  check(
    (await page.locator('#search-results .search-hit-snippet mark').count()) > 0,
    'search page: snippets highlight the matched words',
  );
  check(
    (await page.locator('#search-results .search-hit').first().locator('dl.card-meta dt').count()) >= 2,
    'search page: a result shows its level, duration and audiences',
  );
  const status = await settled(page);
  check(/\d+ résultats?/.test(status), `search page: the count is announced in a live region (« ${status} »)`);
  check(await page.evaluate(() => document.activeElement && document.activeElement.id === 'search-q'), 'search page: focus stays in the search field while results come');
  check(new URL(page.url()).searchParams.get('q') === 'code de cesar', `search page: the query is in the URL (${page.url()})`);

  // 4. A filter: counts of the other fields change, the URL records it.
  await page.fill('#search-q', '');
  await page.keyboard.type('atelier', { delay: 20 });
  await page.waitForFunction(() => /atelier/.test(location.search) && document.querySelector('#search-results .search-hit'), null, { timeout: 15000 });
  await page.waitForFunction(() => /atelier/.test(document.querySelector('#search-results .search-hit-snippet')?.textContent || ''), null, { timeout: 15000 }).catch(() => null);
  await settled(page);
  const counts = () =>
    page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#search-filters input[type=checkbox]')].map((i) => [`${i.name}=${i.value}`, i.closest('label').querySelector('.search-facet-count').textContent])));
  const totalText = () => page.locator('#search-status').textContent();
  const before = await counts();
  const totalBefore = await totalText();
  const level = await page.locator('#search-filters input[name=level]:not([disabled])').first();
  const levelValue = await level.getAttribute('value');
  await level.check();
  await page.waitForFunction((v) => new URLSearchParams(location.search).getAll('level').includes(v), levelValue, { timeout: 20000 }).catch(() => null);
  check(new URLSearchParams(new URL(page.url()).search).get('level') === levelValue, `filter: the URL records level=${levelValue} (${page.url()})`);
  await settled(page);
  const after = await counts();
  const changed = Object.keys(after).filter((k) => !k.startsWith('level=') && after[k] !== before[k]);
  check(changed.length > 0, `filter: counts of other fields change (${changed.slice(0, 3).map((k) => `${k} ${before[k]}→${after[k]}`).join(', ')})`);
  const levelsSame = Object.keys(after).filter((k) => k.startsWith('level=')).every((k) => after[k] === before[k]);
  check(levelsSame, 'filter: the other levels keep their counts (disjunctive facets)');
  const totalAfter = await totalText();
  check(totalAfter !== totalBefore, `filter: the result count changes (${totalBefore} → ${totalAfter})`);
  const hitsAfter = await page.locator('#search-results .search-hit .card-title a').allTextContents();

  // 5. Reload the URL: same state.
  const shared = page.url();
  await page.goto(shared, { waitUntil: 'load' });
  await settled(page);
  check((await page.inputValue('#search-q')) === 'atelier', 'reload: the query is back in the field');
  check(await page.locator(`#search-filters input[name=level][value="${levelValue}"]`).isChecked(), 'reload: the filter is checked');
  const hitsReloaded = await page.locator('#search-results .search-hit .card-title a').allTextContents();
  check(JSON.stringify(hitsReloaded) === JSON.stringify(hitsAfter), `reload: the same ${hitsAfter.length} results`);
  check((await totalText()) === totalAfter, `reload: the same count (${totalAfter})`);

  // 6. Back button: the state before the filter.
  await page.goBack();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('level'), null, { timeout: 20000 }).catch(() => null);
  await settled(page);
  check(!(await page.locator(`#search-filters input[name=level][value="${levelValue}"]`).isChecked()), 'back: the filter is unchecked again');
  check((await totalText()) === totalBefore, `back: the count before the filter (${totalBefore})`);

  // 7. Filters before typing anything; keyboard only.
  await page.goto(url('search/'), { waitUntil: 'load' });
  await page.waitForSelector('#search-filters input[name=themes]');
  await page.focus('#search-filters input[name=themes]');
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#search-results .search-hit'), null, { timeout: 20000 }).catch(() => null);
  const browseHits = await page.locator('#search-results .search-hit').count();
  check(browseHits > 0 && /themes=/.test(page.url()), `filters without text: Space on a theme lists its ${browseHits} kits`);
  check(await page.evaluate(() => document.activeElement && document.activeElement.name === 'themes'), 'filters without text: focus stays on the checkbox');

  // 8. No result: a message, no empty list.
  await page.goto(url('search/?q=zzzqqqxxx'), { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('#search-results').textContent.trim().length > 0, null, { timeout: 20000 }).catch(() => null);
  check((await page.locator('#search-results ol').count()) === 0 && (await page.locator('#search-results .search-empty').count()) === 1, 'no result: a message and no empty list');

  check(problems.length === 0, `no console error or CSP violation${problems.length ? ': ' + problems.join(' | ') : ''}`);
  await context.close();
} catch (e) {
  check(false, `unexpected: ${e && e.stack || e}`);
} finally {
  await browser.close();
}
finish();
