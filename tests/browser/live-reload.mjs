// Headless Chromium test of `mallette serve`'s live reload, driven by tests/serve_live_reload.rs
// (which starts the server on a copy of an instance):
//
//   node tests/browser/live-reload.mjs BASE_URL PAGE_PATH KIT_FILE
//
// A contributor keeps several tabs open: every tab must load (live reload must not use up the
// browser's connections to the server); an edit of the kit reloads its open page with the new text;
// the dev server's search finds the new text soon after; an error shows an overlay with file and
// line over the last good page; the fix removes it.
// Prints one line per step ("ok …" / "FAIL …") and "N passed, N failed"; exits 1 on any failure.
import { readFileSync, writeFileSync } from 'node:fs';
import { check, finish, launch, watch } from './lib.mjs';

const [base, pagePath, kitFile] = process.argv.slice(2);
if (!kitFile) {
  console.error('usage: node live-reload.mjs BASE_URL PAGE_PATH KIT_FILE');
  process.exit(2);
}
const url = new URL(pagePath, base).href;
const edit = (from, to) => writeFileSync(kitFile, readFileSync(kitFile, 'utf8').replace(from, to));

const browser = await launch();
try {
  const context = await browser.newContext();
  const problems = [];
  const pages = [];
  // 1. Eight tabs of the site, each fully loaded (its live script included) and connected.
  for (let i = 0; i < 8; i++) {
    const page = await context.newPage();
    watch(page, problems);
    const socket = page.waitForEvent('websocket', { timeout: 10000 }).catch(() => null);
    const loaded = await page.goto(url, { waitUntil: 'load', timeout: 10000 }).then(() => true, () => false);
    const ws = await socket;
    check(loaded && ws !== null, `tab ${i + 1} loads and connects for live reload`);
    pages.push(page);
  }
  const page = pages[0];
  const original = await page.locator('main').textContent();

  // 2. An edit of the kit reloads the open page with the new text.
  // A word no kit holds, to find the edit by search.
  const word = `zorglubisme${Date.now() % 100000}`;
  const token = `Texte modifié en direct : ${word}.`;
  let reloaded = page.waitForEvent('load', { timeout: 20000 }).then(() => true, () => false);
  edit(/\n*$/, `\n\n${token}\n`);
  check(await reloaded, 'saving the kit reloads its open page');
  await page.waitForFunction((t) => document.body.textContent.includes(t), token, { timeout: 10000 }).catch(() => null);
  check((await page.locator('main').textContent()).includes(token), 'the page shows the new text');
  const last = pages[pages.length - 1];
  await last.waitForFunction((t) => document.body.textContent.includes(t), token, { timeout: 20000 }).catch(() => null);
  check((await last.locator('main').textContent()).includes(token), 'the eighth tab reloaded too');

  // 3. Search catches up in the background: typing the new word finds the kit.
  let found = false;
  const deadline = Date.now() + 30000;
  while (!found && Date.now() < deadline) {
    await last.goto(url, { waitUntil: 'load' });
    await last.fill('#site-search-q', word);
    found = await last
      .waitForFunction(() => {
        const status = document.querySelector('.search-popover .search-status');
        const hits = document.querySelectorAll('.search-popover .search-hit a');
        return hits.length > 0 ? [...hits].map((a) => a.getAttribute('href')) : status && /0|aucun|no /i.test(status.textContent) ? [] : false;
      }, null, { timeout: 10000 })
      .then((h) => h.jsonValue())
      .then((hrefs) => hrefs.some((href) => href.includes(new URL(url).pathname)), () => false);
    if (!found) await last.waitForTimeout(500);
  }
  check(found, `searching "${word}" finds the edited kit`);

  // 4. A front-matter error: an overlay names the file and line; the last good page stays under it.
  edit(/^level: .*$/m, 'level: debutnt');
  const overlay = page.locator('#mallette-error-overlay');
  await overlay.waitFor({ state: 'visible', timeout: 20000 }).catch(() => null);
  const text = (await overlay.textContent().catch(() => '')) || '';
  check(/\.md:\d+:\d+/.test(text) && text.includes('debutnt'), `an error overlay names the file, line and value (${text.split('\n')[1] || text.slice(0, 80)})`);
  check((await page.locator('main').textContent()).includes(token), 'the last good page stays underneath');

  // 5. The fix: the page reloads without the overlay.
  reloaded = page.waitForEvent('load', { timeout: 20000 }).then(() => true, () => false);
  edit(/^level: debutnt$/m, 'level: avance');
  check(await reloaded, 'fixing the error reloads the page');
  check((await page.locator('#mallette-error-overlay').count()) === 0, 'the overlay is gone');
  check(original.length > 0, 'the page had content to begin with');
  check(problems.length === 0, `no console error${problems.length ? ': ' + problems.join(' | ') : ''}`);
} finally {
  await browser.close();
}
finish();
