// Search benchmark in headless Chromium: mallette's search (engine in a worker, index chunks on
// demand) and Pagefind over the same built site, in the same run. See BENCHMARKS.md § Search.
//
//   node tests/browser/search-bench.mjs SITE_DIR [--compress br|none] [--words a,b,c]
//
// SITE_DIR is a site built by `mallette build`, with Pagefind's bundle in SITE_DIR/pagefind/
// (`pagefind --site SITE_DIR --glob 'kits/*/index.html'`). Prints one JSON object: bytes
// transferred (engine / index / result files, response headers included) for a first one-word
// query and a following one, and warm query times (p50, p90) for both, as Chromium reports them
// (Playwright's request sizes, requests of workers included), from a local server.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const site = path.resolve(args[0] || '');
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const compress = opt('--compress', 'none');
const words = opt('--words', 'algorithme,sauvegarde,navigateur,partage,chiffrement,cookie,tablette,participants,consentement,histoire,robot,courriel,recherche,signalement,diaporama,publicité,parcours,identité,abonnement,messagerie').split(',');
const LIMIT = 10;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm', '.css': 'text/css', '.svg': 'image/svg+xml' };
const COMPRESSIBLE = /\.(html|js|mjs|json|wasm|css|svg|bin|pagefind|pf_meta|pf_index|pf_fragment)$|\/i\/[0-9a-f]+\/\d+\.\d+$/;
const cache = new Map();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  let file = path.join(site, decodeURIComponent(url.pathname));
  if (!file.startsWith(site)) return res.writeHead(403).end();
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) return res.writeHead(404).end('not found');
  const headers = { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' };
  let body = fs.readFileSync(file);
  if (compress === 'br' && COMPRESSIBLE.test(file) && /\bbr\b/.test(req.headers['accept-encoding'] || '')) {
    if (!cache.has(file)) cache.set(file, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }));
    const br = cache.get(file);
    if (br.length < body.length) {
      body = br;
      headers['Content-Encoding'] = 'br';
    }
  }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

// A bare page (no CSP) from which both engines are driven through their own APIs.
const manifestUrl = fs.readFileSync(path.join(site, 'search/index.html'), 'utf8').match(/data-manifest="([^"]+)"/)[1];
fs.writeFileSync(path.join(site, 'bench-search.html'), '<!doctype html><meta charset="utf-8"><title>bench</title><body></body>');

function classify(url, engine) {
  const p = new URL(url).pathname;
  if (engine === 'mallette') {
    if (/\/search\/(engine\.[^/]+\.wasm(\.gz)?|worker\.[^/]+\.js)$/.test(p)) return 'engine';
    if (/\/search\/i\/[^/]+\/d\//.test(p)) return 'results';
    if (/\/search\//.test(p)) return 'index';
  } else {
    if (/\/pagefind\/(pagefind\.js|wasm\.[^/]+\.pagefind|pagefind-worker\.js)$/.test(p)) return 'engine';
    if (/\/pagefind\/fragment\//.test(p)) return 'results';
    if (/\/pagefind\//.test(p)) return 'index';
  }
  return 'other';
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

async function measure(engine, facets = true) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // Every request of the page and of its workers, with the bytes of its response body as sent
  // (compressed when the server compresses), as Chromium reports them.
  const urls = new Map();
  let bytes = [];
  const pendingSizes = [];
  context.on('requestfinished', (request) => {
    pendingSizes.push(
      request.sizes().then((s) => {
        bytes.push({ url: request.url(), bytes: s.responseBodySize + s.responseHeadersSize, part: classify(request.url(), engine) });
      }, () => {}),
    );
  });
  await page.goto(base + 'bench-search.html');

  const sum = () => {
    const by = { engine: 0, index: 0, results: 0, requests: bytes.length };
    for (const b of bytes) if (b.part in by) by[b.part] += b.bytes;
    by.total = by.engine + by.index + by.results;
    return by;
  };
  const settle = async () => {
    await page.waitForTimeout(300);
    await Promise.all(pendingSizes.splice(0));
  };

  let run;
  if (engine === 'mallette') {
    await page.evaluate(async (manifestUrl) => {
      const m = await (await fetch(manifestUrl)).json();
      const w = new Worker(new URL(m.worker, new URL(manifestUrl, location.href)).href);
      let id = 0;
      const waiting = {};
      w.onmessage = (e) => {
        if (e.data.id != null && waiting[e.data.id]) waiting[e.data.id](e.data);
      };
      w.postMessage({ type: 'init', manifestUrl: new URL(manifestUrl, location.href).href, manifest: m });
      window.benchSearch = (q, limit, facets) =>
        new Promise((resolve) => {
          const i = ++id;
          waiting[i] = resolve;
          w.postMessage({ type: 'search', id: i, q, filters: [], limit, facets });
        });
    }, manifestUrl);
    run = (q) => page.evaluate(async ([q, n, f]) => { const t = performance.now(); const r = await window.benchSearch(q, n, f); return { ms: performance.now() - t, total: r.total, hits: r.hits.length, error: r.message }; }, [q, LIMIT, facets]);
  } else {
    await page.evaluate(async () => {
      const pf = await import('/pagefind/pagefind.js');
      await pf.options({ excerptLength: 30 });
      await pf.init();
      window.benchSearch = async (q, n) => {
        const r = await pf.search(q);
        const data = await Promise.all(r.results.slice(0, n).map((x) => x.data()));
        return { total: r.results.length, hits: data.length };
      };
    });
    run = (q) => page.evaluate(async ([q, n]) => { const t = performance.now(); const r = await window.benchSearch(q, n); return { ms: performance.now() - t, total: r.total, hits: r.hits }; }, [q, LIMIT]);
  }

  const firstRun = await run(words[0]);
  await settle();
  const first = sum();
  bytes = [];
  const secondRun = await run(words[1]);
  await settle();
  const second = sum();
  // Warm: every word once (loads its data), then timed again.
  for (const w of words) await run(w);
  const times = [];
  for (let k = 0; k < 3; k++) for (const w of words) times.push((await run(w)).ms);
  times.sort((a, b) => a - b);
  const pct = (p) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] * 100) / 100;
  await context.close();
  return { first, firstRun, second, secondRun, warm_ms: { p50: pct(0.5), p90: pct(0.9), n: times.length } };
}

const out = { site, compress, words: words.slice(0, 2), limit: LIMIT };
out.mallette = await measure('mallette'); // the search page: hits and facet counts
out.mallette_box = await measure('mallette', false); // the header box: hits only
if (fs.existsSync(path.join(site, 'pagefind/pagefind.js'))) out.pagefind = await measure('pagefind');
console.log(JSON.stringify(out, null, 1));
await browser.close();
server.close();
fs.unlinkSync(path.join(site, 'bench-search.html'));
