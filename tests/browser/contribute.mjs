// Headless Chromium test of the wiki loop, driven by tests/wiki_loop.rs on an instance whose
// `[forge]` is of kind KIND, served at BASE:
//
//   node tests/browser/contribute.mjs BASE KIND OUT_DIR
//
// On /contribuer/: an empty form shows the validator's errors and navigates nowhere; a filled
// form navigates to the forge's prefilled "new file" page (the URL is written to OUT_DIR for the
// Rust side to decode and check with `mallette check`); a very long body takes the copy/download
// route; the draft survives a reload and "Effacer le brouillon" clears it. On a kit page: the
// "J'ai animé cet atelier" link carries the kit's title and what was typed.
import { writeFileSync } from 'node:fs';
import { check, finish, launch, watch } from './lib.mjs';

const [base, kind, out] = process.argv.slice(2);
if (!base || !kind || !out) {
  console.error('usage: node contribute.mjs BASE KIND OUT_DIR');
  process.exit(2);
}

const browser = await launch();
try {
  const page = await browser.newPage();
  const { problems } = watch(page);
  const forgeRequests = [];
  // The forge is another origin: answer it here (the machine has no network) and note the URL.
  await page.route((url) => !url.href.startsWith(base), (route) => {
    forgeRequests.push(route.request().url());
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>forge</title>' });
  });

  const contribute = base + 'contribuer/';
  await page.goto(contribute);
  await page.waitForSelector('#contribute-app:not([hidden])', { timeout: 10000 });
  check(true, 'the form is shown once its script runs');

  // 1. Empty form.
  await page.click('#contribute-form button[type=submit]');
  await page.waitForSelector('#form-errors:not([hidden]) li', { timeout: 20000 });
  const errors = await page.$$eval('#form-errors li', (items) => items.map((i) => i.textContent));
  const checkedText = await page.evaluate(() => document.getElementById('contribute-app').checkedText);
  check(errors.length >= 5, `an empty form shows the validator's errors (${errors.length})`);
  check(page.url() === contribute && forgeRequests.length === 0, 'an empty form navigates nowhere');
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  check(focused === 'form-errors', `the error summary takes the focus (${focused})`);
  const invalid = await page.$eval('#f-title', (el) => el.getAttribute('aria-invalid'));
  const described = await page.$eval('#e-title', (el) => !el.hidden && el.textContent.length > 0);
  check(invalid === 'true' && described, 'the title field is marked invalid and its message shown beside it');
  writeFileSync(`${out}/empty.json`, JSON.stringify({ errors, text: checkedText }));

  // 2. A filled form.
  await page.fill('#f-title', 'Repérer les faux SMS de livraison');
  await page.fill('#f-summary', 'Un jeu de cartes pour reconnaître les faux messages de colis.');
  await page.check('input[name=themes][value=securite]');
  await page.check('input[name=audiences][value=seniors]');
  await page.check('input[name=level][value=debutant]');
  await page.fill('#f-duration', '1h');
  await page.fill('#f-authors', 'Médiathèque de Lannion, Anne');
  await page.fill('#s-objectives', '- Reconnaître un faux SMS de livraison.\n- Savoir où le signaler.');
  const rows = await page.$$('#steps tr');
  await rows[0].$eval('.step-duration', (el, v) => { el.value = v; }, '15');
  await rows[0].$eval('.step-title', (el, v) => { el.value = v; }, 'Accueil');
  await rows[1].$eval('.step-duration', (el, v) => { el.value = v; }, '45');
  await rows[1].$eval('.step-title', (el, v) => { el.value = v; }, 'Jeu des cartes');
  await page.dispatchEvent('#steps tr .step-title', 'input');
  const total = await page.textContent('#steps-total');
  check(/1 h/.test(total) && !/mais/.test(total), `the plan's total is shown against the stated duration: ${total}`);
  await page.fill('#f-duration', '1h30');
  const mismatch = await page.textContent('#steps-total');
  check(/mais|but/.test(mismatch), `a total that differs from the duration is said: ${mismatch}`);
  await page.fill('#f-duration', '1h');
  await page.waitForTimeout(600);

  // The draft survives a reload.
  await page.reload();
  await page.waitForSelector('#contribute-app:not([hidden])');
  const kept = await page.inputValue('#f-title');
  check(kept === 'Repérer les faux SMS de livraison', `the draft is kept in this browser (${kept})`);
  const cookies = await page.context().cookies();
  check(cookies.length === 0, 'no cookie');

  await Promise.all([
    page.waitForRequest((r) => !r.url().startsWith(base), { timeout: 20000 }),
    page.click('#contribute-form button[type=submit]'),
  ]).catch(() => {});
  // The click may end (or throw, its page being replaced) before the route handler has noted
  // the forge's request: wait for the note itself.
  for (let i = 0; i < 200 && forgeRequests.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  const navigated = forgeRequests[forgeRequests.length - 1] || '';
  check(navigated.length > 0, `a filled form opens the forge (${navigated.slice(0, 80)}…)`);
  writeFileSync(`${out}/filled.json`, JSON.stringify({ url: navigated }));

  // 3. A very long body: copy / download route, no navigation.
  await page.goto(contribute);
  await page.waitForSelector('#contribute-app:not([hidden])');
  const before = forgeRequests.length;
  await page.fill('#s-further', 'Une ressource très détaillée. '.repeat(400));
  await page.click('#contribute-form button[type=submit]');
  const fallback = await page.waitForSelector('#fallback:not([hidden])', { timeout: 20000 }).then(() => true).catch(() => false);
  check(fallback, 'a long body takes the copy / download route');
  const download = await page.$eval('#download-file', (a) => a.getAttribute('download'));
  check(download === 'reperer-les-faux-sms-de-livraison.md', `the download is named as the kit (${download})`);
  check(forgeRequests.length === before, 'and does not navigate');

  // 4. Clearing the draft.
  await page.click('#clear-draft');
  await page.reload();
  await page.waitForSelector('#contribute-app:not([hidden])');
  check((await page.inputValue('#f-title')) === '', '"Effacer le brouillon" forgets the draft');

  // 5. The field-report link of a kit page.
  await page.goto(base + 'kits/arnaques-au-telephone/');
  await page.click('.field-report-form summary');
  await page.fill('#report-place', 'Médiathèque de Quimper');
  await page.fill('#report-participants', '7');
  const href = await page.$eval('.report-link', (a) => a.href);
  const params = new URL(href).searchParams;
  const title = [...params.values()].find((v) => v.includes('arnaques au téléphone')) || '';
  const body = [...params.values()].find((v) => v.includes('Quimper')) || '';
  check(title.includes('Les arnaques au téléphone'), `the report link carries the kit's title (${title})`);
  check(body.includes('place: "Médiathèque de Quimper", participants: 7'), 'and a ready YAML entry of what was typed');

  check(problems.length === 0, `no console error${problems.length ? ': ' + problems.join(' | ') : ''}`);
} finally {
  await browser.close();
}
finish();
