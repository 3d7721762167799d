// Prints what the first page costs a visitor: every resource Chromium loads for `/` (or the
// path given, e.g. `node size-report.mjs /actions`), its raw size, its gzip size (level 9) and
// its Brotli size (quality 11, what a compressing server or CDN would send), and totals.
// Run with `make size` (which builds the release site first).
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from './support/server.mjs';
import { launchBrowser } from './support/browser.mjs';

const path = process.argv[2] ?? '/';
const brotli = (body) =>
  brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const server = await startServer();
const browser = await launchBrowser();
const rows = [];
try {
  const page = await browser.newPage();
  const pending = [];
  page.on('response', (response) => {
    pending.push((async () => {
      const body = await response.body().catch(() => Buffer.alloc(0));
      const url = new URL(response.url());
      rows.push({
        path: url.pathname,
        type: response.request().resourceType(),
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
        br: brotli(body),
      });
    })());
  });
  await page.goto(server.url + path);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
} finally {
  await browser.close();
  await server.stop();
}

const kb = (n) => (n / 1024).toFixed(1).padStart(8);
rows.sort((a, b) => b.gzip - a.gzip);
console.log(`${path}\n`);
console.log('| resource | type | raw KiB | gzip KiB | br KiB |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.path} | ${r.type} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.br)} |`);
}
const total = rows.reduce(
  (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, br: t.br + r.br }),
  { raw: 0, gzip: 0, br: 0 },
);
console.log(
  `| **total (${rows.length} files)** | | ${kb(total.raw)} | ${kb(total.gzip)} | ${kb(total.br)} |`,
);
// The action editor's chunk (CodeMirror, under /editor/) on its own: it loads on the action
// page only, after the page is usable, and has a budget of its own (150 KB gzip).
const editorRows = rows.filter((r) => r.path.startsWith('/editor/'));
if (editorRows.length > 0) {
  const e = editorRows.reduce(
    (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, br: t.br + r.br }),
    { raw: 0, gzip: 0, br: 0 },
  );
  console.log(
    `| **editor chunk alone (${editorRows.length} files)** | | ${kb(e.raw)} | ${kb(e.gzip)} | ${kb(e.br)} |`,
  );
  console.log(
    `| **page without the editor** | | ${kb(total.raw - e.raw)} | ${kb(total.gzip - e.gzip)} | ${kb(total.br - e.br)} |`,
  );
}
const slug = path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
const name = path === '/' ? 'size-report.json' : `size-report${slug}.json`;
const out = join(repoRoot, 'target', name);
writeFileSync(out, JSON.stringify({ path, rows, total }, null, 2));
console.log(`\nwritten to ${out}`);
