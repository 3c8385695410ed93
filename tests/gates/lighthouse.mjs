// Lighthouse gate: the home page, a kit page and the search page of a built site, one run each,
// in Debian's Chromium (mobile emulation and simulated throttling: Lighthouse's defaults).
// Accessibility, best practices and SEO must score 100, performance at least 95. Prints one JSON
// line per page with its four scores. Exit 0 when every target is met, 1 when one is not.
// Until SEARCH_UI_GATED (lib.mjs) is true, the search page's scores are printed but a miss there
// is only a note: its in-browser UI is still being built.
//
//   node tests/gates/lighthouse.mjs <site> [--pages /,/kits/x/,/search/]

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { args, CHROMIUM, CHROMIUM_ARGS, pagePaths, run, SEARCH_UI_GATED, serve } from './lib.mjs';

export const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 100, seo: 100 };

async function main() {
  const opts = args();
  const site = opts._[0];
  if (!site || !existsSync(join(site, 'index.html'))) {
    console.error('usage: node tests/gates/lighthouse.mjs <built site folder>');
    return 2;
  }
  const all = await pagePaths(site);
  const kit = all.find((p) => /^\/kits\/[^/]+\/$/.test(p));
  // One page of each kind that needs a look: home, a kit, search, the competence map, a learning
  // path and its booklet, the contribution form.
  const path = all.find((p) => /^\/parcours\/[^/]+\/$/.test(p));
  const booklet = all.find((p) => /^\/parcours\/[^/]+\/(livret|booklet)\/$/.test(p));
  const contribute = all.find((p) => p === '/contribuer/' || p === '/contribute/');
  const pages = opts.pages
    ? opts.pages.split(',')
    : ['/', kit, '/search/', '/competences/', path, booklet, contribute].filter(Boolean);
  const server = await serve(site);
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', ...CHROMIUM_ARGS],
    logLevel: 'silent',
  });
  const failures = [];
  const pending = [];
  try {
    // A first, unscored run warms Chromium up (its first page load is slower than any other).
    await lighthouse(server.url + pages[0], { port: chrome.port, logLevel: 'error', onlyCategories: ['performance'] });
    for (const path of pages) {
      const result = await lighthouse(server.url + path, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: Object.keys(TARGETS),
      });
      const lhr = result.lhr;
      if (lhr.runtimeError) failures.push(`${path}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      const scores = {};
      for (const [id, target] of Object.entries(TARGETS)) {
        const score = Math.round((lhr.categories[id]?.score ?? 0) * 100);
        scores[id] = score;
        if (score < target) {
          const lost = lhr.categories[id].auditRefs
            .filter((ref) => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
            .map((ref) => `${ref.id} (${lhr.audits[ref.id].displayValue || lhr.audits[ref.id].score})`);
          const miss = `${path}: ${id} ${score} < ${target}: ${lost.join(', ')}`;
          if (path.startsWith('/search/') && !SEARCH_UI_GATED) pending.push(miss);
          else failures.push(miss);
        }
      }
      const metrics = {};
      for (const m of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
        metrics[m] = lhr.audits[m]?.displayValue;
      }
      console.log(JSON.stringify({ page: path, scores, metrics, lighthouse: lhr.lighthouseVersion }));
    }
  } finally {
    await chrome.kill();
    await server.close();
  }
  for (const p of pending) console.log(`note (search UI not gated yet): ${p}`);
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`lighthouse: ${pages.length} pages, ${failures.length} target(s) missed`);
  return failures.length ? 1 : 0;
}

run(main);
