// Time to first validation on the contribution page: a fresh page is opened, the empty form is
// submitted at once, and the time until the validator's errors are shown is measured (module
// fetched, compiled, context read, file written and checked). Median of RUNS fresh pages.
//
//   node tests/browser/contribute-bench.mjs BASE [RUNS]
import { launch } from './lib.mjs';

const base = process.argv[2];
const runs = Number(process.argv[3] || 5);
const browser = await launch();
const times = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(base + 'contribuer/');
  await page.waitForSelector('#contribute-app:not([hidden])');
  const started = Date.now();
  await page.click('#contribute-form button[type=submit]');
  await page.waitForSelector('#form-errors:not([hidden]) li');
  times.push(Date.now() - started);
  await context.close();
}
await browser.close();
times.sort((a, b) => a - b);
console.log(JSON.stringify({ runs, median_ms: times[Math.floor(times.length / 2)], min_ms: times[0], max_ms: times[times.length - 1] }));
