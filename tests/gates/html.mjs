// Valid-HTML gate: the Nu Html Checker (vnu.jar from the vnu-jar package, run by the machine's
// Java) on every HTML page of a built site, and on its stylesheets and SVG images. Exit 0 when it
// reports no error, 1 when it does, 2 when it cannot run.
//
//   node tests/gates/html.mjs <site>

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { args, run, walk } from './lib.mjs';

const require = createRequire(import.meta.url);

async function main() {
  const site = args()._[0];
  if (!site || !existsSync(join(site, 'index.html'))) {
    console.error('usage: node tests/gates/html.mjs <built site folder>');
    return 2;
  }
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error || java.status !== 0) {
    console.error('java is missing: apt-get install -y default-jre-headless');
    return 2;
  }
  // The package exports the jar's path; its own launcher may try to download a Java: not used.
  const jar = String(require('vnu-jar'));
  const files = (await walk(site)).filter((f) => /\.(html|css|svg)$/.test(f));
  const pages = files.filter((f) => f.endsWith('.html')).length;
  const result = spawnSync(
    'java',
    ['-Xss8m', '-jar', jar, '--errors-only', '--also-check-css', '--also-check-svg', '--format', 'gnu', '--exit-zero-always',
      ...files.map((f) => join(site, f))],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.error) throw result.error;
  const errors = (result.stdout + result.stderr).split('\n').filter((l) => l.trim());
  for (const e of errors) console.log(`FAIL ${e.replace(`file:${site}`, '')}`);
  console.log(`vnu: ${pages} pages and ${files.length - pages} stylesheets or images checked, ${errors.length} error(s)`);
  return errors.length ? 1 : 0;
}

run(main);
