// Prints what a page costs a visitor: every resource Chromium loads for `/` (or the path
// given, e.g. `node size-report.mjs /actions`), its raw size and the bytes the server actually
// sends it, asked once as a gzip-only client (`Accept-Encoding: gzip`) and once as a browser
// (`Accept-Encoding: gzip, deflate, br, zstd`): the precompressed `.gz` / `.br` files for /pkg
// and /editor (scripts/precompress.mjs), the pages gzipped on the fly. A cell names the
// encoding when it is not the one column's name says (the page is never Brotli). Totals below.
// Run with `make size` (which builds and precompresses the release site first).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from './support/server.mjs';
import { launchBrowser } from './support/browser.mjs';
import { sent, GZIP_ONLY, BROWSER } from './support/sent.mjs';

const path = process.argv[2] ?? '/';

const server = await startServer();
const browser = await launchBrowser();
const loaded = [];
const rows = [];
try {
  const page = await browser.newPage();
  const pending = [];
  page.on('response', (response) => {
    pending.push((async () => {
      const body = await response.body().catch(() => Buffer.alloc(0));
      loaded.push({ url: response.url(), type: response.request().resourceType(), raw: body.length });
    })());
  });
  await page.goto(server.url + path);
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
  for (const r of loaded) {
    const [gzip, br] = [await sent(r.url, GZIP_ONLY), await sent(r.url, BROWSER)];
    const url = new URL(r.url);
    rows.push({
      path: url.pathname + (r.type === 'document' ? url.search : ''),
      type: r.type,
      raw: r.raw,
      gzip: gzip.bytes,
      gzipEncoding: gzip.encoding,
      br: br.bytes,
      brEncoding: br.encoding,
    });
  }
} finally {
  await browser.close();
  await server.stop();
}

const kib = (n) => (n / 1024).toFixed(1);
const cell = (n, encoding, expected) =>
  (encoding === expected ? kib(n) : `${kib(n)} (${encoding})`).padStart(8);
rows.sort((a, b) => b.gzip - a.gzip);
console.log(`${path}\n`);
console.log('| resource | type | raw KiB | sent, gzip-only client KiB | sent, browser KiB |');
console.log('|---|---|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.path} | ${r.type} | ${kib(r.raw).padStart(8)} | ${cell(r.gzip, r.gzipEncoding, 'gzip')} | ${cell(r.br, r.brEncoding, 'br')} |`,
  );
}
const sum = (list) => list.reduce(
  (t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, br: t.br + r.br }),
  { raw: 0, gzip: 0, br: 0 },
);
const line = (label, t) =>
  console.log(`| **${label}** | | ${kib(t.raw).padStart(8)} | ${kib(t.gzip).padStart(8)} | ${kib(t.br).padStart(8)} |`);
const total = sum(rows);
line(`total (${rows.length} files)`, total);
// The action editor's chunk (CodeMirror, under /editor/) on its own: it loads on the action
// page only, after the page is usable, and has a budget of its own (150 KB gzip).
const editorRows = rows.filter((r) => r.path.startsWith('/editor/'));
if (editorRows.length > 0) {
  const e = sum(editorRows);
  line(`editor chunk alone (${editorRows.length} files)`, e);
  line('page without the editor', { raw: total.raw - e.raw, gzip: total.gzip - e.gzip, br: total.br - e.br });
}
const unpacked = rows.filter((r) => /^\/(pkg|editor)\//.test(r.path) && r.brEncoding !== 'br');
if (unpacked.length > 0) {
  console.log(`\nnot precompressed (run \`node scripts/precompress.mjs\` after the build): ${unpacked.map((r) => r.path).join(', ')}`);
}
const slug = path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '');
const name = path === '/' ? 'size-report.json' : `size-report${slug}.json`;
const out = join(repoRoot, 'target', name);
writeFileSync(out, JSON.stringify({ path, rows, total }, null, 2));
console.log(`\nwritten to ${out}`);
