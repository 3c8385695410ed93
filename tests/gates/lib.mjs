// Shared by the gate scripts: a static server on loopback, Debian's Chromium through
// playwright-core, and the list of pages of a built site. Nothing here reaches the network: the
// server listens on 127.0.0.1 only and Chromium resolves every other host to nothing.

import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join, normalize, relative, sep } from 'node:path';

export const CHROMIUM = process.env.MALLETTE_CHROMIUM || '/usr/bin/chromium';

/**
 * The in-browser search UI is held to the same targets as every other page: axe findings on the
 * search pages count, their Lighthouse scores count, and the keyboard gate drives results and
 * filters. (While the UI was being built this was false and those were printed as notes; setting
 * MALLETTE_GATE_SEARCH_UI=0 brings that back for a theme whose search UI is in progress.)
 */
export const SEARCH_UI_GATED = process.env.MALLETTE_GATE_SEARCH_UI !== '0';

/** Flags for a headless Chromium that talks to nobody but the loopback server. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  // Any host but loopback resolves to nothing: a reference to another origin can never load.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
};

/**
 * Serve `root` on 127.0.0.1 (a free port) the way a plain static host does: `/x/` serves
 * `/x/index.html`, a missing file serves `/404.html` with status 404. No cookie, no header
 * beyond the content type and a cache policy like a forge's Pages. Resolves to {url, close}.
 */
export async function serve(root) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      let file = normalize(join(root, path));
      if (relative(root, file).split(sep).includes('..')) {
        res.writeHead(403).end();
        return;
      }
      if (path.endsWith('/')) file = join(file, 'index.html');
      let status = 200;
      let info = await stat(file).catch(() => null);
      if (info && info.isDirectory()) {
        res.writeHead(301, { Location: path + '/' }).end();
        return;
      }
      if (!info) {
        status = 404;
        file = join(root, '404.html');
      }
      const body = await readFile(file);
      res.writeHead(status, {
        'Content-Type': TYPES[extname(file).toLowerCase()] || 'application/octet-stream',
        'Cache-Control': 'max-age=600',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Launch Debian's Chromium (never a downloaded browser). */
export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Every file below `dir` (relative paths with `/`), sorted. */
export async function walk(dir, prefix = '') {
  const out = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

/** URL path of every HTML page of the built site (`kits/x/index.html` → `/kits/x/`). */
export async function pagePaths(site) {
  return (await walk(site))
    .filter((f) => f.endsWith('.html'))
    .map((f) => '/' + f.replace(/(^|\/)index\.html$/, '$1'));
}

/** `--name value` and `--flag` arguments. */
export function args(argv = process.argv.slice(2)) {
  const out = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      const key = argv[i].slice(2);
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) out[key] = true;
      else out[key] = argv[++i];
    } else out._.push(argv[i]);
  }
  return out;
}

/** Run `main`, print its error and exit 2 on a crash (1 is kept for "the gate found problems"). */
export function run(main) {
  main().then(
    (code) => process.exit(code ?? 0),
    (e) => {
      console.error(e && e.stack ? e.stack : e);
      process.exit(2);
    },
  );
}
