// What the browser test scripts share: Debian's Chromium (never a downloaded browser) and the
// step report the Rust tests read ("ok …" / "FAIL …" lines, then "N passed, N failed").
import { chromium } from 'playwright-core';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// Headless Chromium from /usr/bin/chromium, or $CHROMIUM.
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS, headless: true });
}

let passed = 0;
let failed = 0;

// Reports one step; returns `ok`.
export function check(ok, what) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  return ok;
}

// Prints the closing line and exits 1 when a step failed.
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// Records what goes wrong on `page` (console errors, uncaught exceptions) and every URL it
// requests, for the scripts' closing checks.
export function watch(page, problems = [], requests = []) {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  return { problems, requests };
}
