// Keyboard-only gate: the search flow of a built site driven with Tab, Enter, typing and Space
// only, in headless Chromium. Every element that takes focus on the way must show a focus
// indicator. Exit 0 when the flow works, 1 when a step fails, 2 on a crash.
//
//   node tests/gates/keyboard.mjs <site>
//
// Steps: the skip link is the first Tab stop, visible, and moves focus to the main content; Tab
// reaches the header's search field; typing a query and Enter opens the search page with the
// query in its URL. Once SEARCH_UI_GATED (lib.mjs) is true and the site ships the search module
// (static/search*.js), the flow goes on:
// results show, Tab reaches a result, Enter opens that kit; a filter is reached with Tab,
// Space toggles it and the URL records it.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hasSearchModule } from './axe.mjs';
import { args, launch, run, SEARCH_UI_GATED, serve } from './lib.mjs';

const QUERY = 'mot de passe';

async function main() {
  const site = args()._[0];
  if (!site || !existsSync(join(site, 'index.html'))) {
    console.error('usage: node tests/gates/keyboard.mjs <built site folder>');
    return 2;
  }
  const searchModule = SEARCH_UI_GATED && (await hasSearchModule(site));
  const server = await serve(site);
  const browser = await launch();
  const failures = [];
  const steps = [];
  const step = (ok, text) => {
    steps.push(`${ok ? 'ok  ' : 'FAIL'} ${text}`);
    if (!ok) failures.push(text);
    return ok;
  };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        const box = el.getBoundingClientRect();
        return {
          tag: el.tagName.toLowerCase(),
          id: el.id,
          cls: el.className,
          type: el.getAttribute('type'),
          name: el.getAttribute('name'),
          href: el.getAttribute('href'),
          inResults: Boolean(el.closest('#search-results')),
          text: (el.textContent || el.value || '').trim().slice(0, 60),
          indicator:
            (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
            (style.boxShadow && style.boxShadow !== 'none'),
          visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
        };
      });
    const describe = (f) => (f ? `<${f.tag}${f.id ? '#' + f.id : ''}> ${f.text || f.href || ''}` : 'nothing');
    const checkIndicator = (f) => {
      if (f && f.tag !== 'main' && !f.indicator) step(false, `focus indicator missing on ${describe(f)}`);
    };
    /** Tab until `match(focused)` or `limit` presses; every stop must show its focus. */
    const tabTo = async (match, limit, key = 'Tab') => {
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press(key);
        const f = await focused();
        checkIndicator(f);
        if (f && match(f)) return f;
      }
      return null;
    };

    // 1. Skip link.
    await page.goto(server.url + '/', { waitUntil: 'load' });
    await page.keyboard.press('Tab');
    const first = await focused();
    step(first && first.cls.includes('skip-link'), `first Tab stop is the skip link (got ${describe(first)})`);
    step(first && first.visible && first.indicator, 'the focused skip link is visible with a focus indicator');
    await page.keyboard.press('Enter');
    const afterSkip = await focused();
    step(afterSkip && afterSkip.id === 'main', `Enter on the skip link moves focus to <main> (got ${describe(afterSkip)})`);

    // 2. Header search field, type, Enter.
    await page.goto(server.url + '/', { waitUntil: 'load' });
    const field = await tabTo((f) => f.tag === 'input' && f.name === 'q', 8);
    if (step(Boolean(field), 'Tab reaches the search field of the header within 8 stops')) {
      await page.keyboard.type(QUERY);
      await Promise.all([page.waitForURL(/\/search\/\?q=/, { timeout: 10000 }).catch(() => null), page.keyboard.press('Enter')]);
      const url = new URL(page.url());
      step(
        url.pathname === '/search/' && url.searchParams.get('q') === QUERY,
        `Enter opens the search page with the query in its URL (got ${url.pathname}${url.search})`,
      );
    }

    // 3. Results and filters: only once the search module exists.
    if (searchModule) {
      const results = await page
        .waitForFunction(() => document.querySelectorAll('#search-results a[href]').length > 0, null, { timeout: 15000 })
        .then(() => true, () => false);
      if (step(results, `results for « ${QUERY} » show`)) {
        const result = await tabTo((f) => f.tag === 'a' && f.inResults && /\/kits\/[^/]+\//.test(f.href || ''), 120);
        if (step(Boolean(result), 'Tab reaches a result link')) {
          await Promise.all([page.waitForURL(/\/kits\/[^/]+\/$/, { timeout: 10000 }).catch(() => null), page.keyboard.press('Enter')]);
          step(/\/kits\/[^/]+\/$/.test(new URL(page.url()).pathname), `Enter on a result opens its kit (${page.url()})`);
        }
      }
      await page.goto(`${server.url}/search/?q=${encodeURIComponent('atelier')}`, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelector('#search-filters input'), null, { timeout: 15000 }).catch(() => null);
      const filter = await tabTo((f) => f.tag === 'input' && (f.type === 'checkbox' || f.type === 'radio'), 60);
      if (step(Boolean(filter), 'Tab reaches a filter')) {
        const before = page.url();
        await page.keyboard.press('Space');
        await page.waitForFunction((b) => location.href !== b, before, { timeout: 5000 }).catch(() => null);
        step(page.url() !== before, `Space toggles the filter and the URL records it (${page.url()})`);
      }
    } else {
      steps.push('note search UI not gated yet (SEARCH_UI_GATED in lib.mjs): results and filters are not driven');
    }
    // 4. The contribution form (when the site has one): reached and filled from the keyboard;
    // sending it empty moves focus to the error summary, whose links lead to the fields.
    if (existsSync(join(site, 'contribuer', 'index.html')) || existsSync(join(site, 'contribute', 'index.html'))) {
      const path = existsSync(join(site, 'contribuer', 'index.html')) ? '/contribuer/' : '/contribute/';
      await page.goto(server.url + path, { waitUntil: 'load' });
      await page.waitForSelector('#contribute-app:not([hidden])', { timeout: 10000 }).catch(() => null);
      const title = await tabTo((f) => f.id === 'f-title', 40);
      if (step(Boolean(title), 'Tab reaches the title field of the contribution form')) {
        const submit = await tabTo((f) => f.tag === 'button' && f.type === 'submit', 400);
        if (step(Boolean(submit), 'Tab reaches the button that sends the form')) {
          await page.keyboard.press('Enter');
          await page.waitForSelector('#form-errors:not([hidden]) li', { timeout: 15000 }).catch(() => null);
          const summary = await focused();
          step(summary && summary.id === 'form-errors', `the error summary takes the focus (got ${describe(summary)})`);
          const link = await tabTo((f) => f.tag === 'a' && (f.href || '').startsWith('#f-'), 5);
          if (step(Boolean(link), 'Tab reaches the first error, a link to its field')) {
            await page.keyboard.press('Enter');
            step(new URL(page.url()).hash === link.href, `Enter on it goes to the field (${page.url()})`);
          }
        }
      }
    }
    for (const c of await context.cookies()) step(false, `cookie ${c.name} was set`);
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  for (const s of steps) console.log(s);
  console.log(`keyboard: ${steps.length} step(s), ${failures.length} failure(s)`);
  return failures.length ? 1 : 0;
}

run(main);
