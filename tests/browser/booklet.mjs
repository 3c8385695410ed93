// A learning path's booklet printed by Chromium on A4 (`page.pdf`), for tests/parcours_print.rs
// to read page by page:
//
//   node tests/browser/booklet.mjs BOOKLET_URL OUT.pdf
import { check, finish, launch } from './lib.mjs';

const [url, out] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage();
  const response = await page.goto(url);
  check(response && response.ok(), `the booklet loads (${url})`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: out, format: 'A4', printBackground: false });
  check(true, `printed to ${out}`);
} finally {
  await browser.close();
}
finish();
