// Prints what the first page costs a visitor: every resource Chromium loads for `/`, its raw
// size and its gzip size (level 9, what a compressing server or CDN would send), and totals.
// Run with `make size` (which builds the release site first).
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, repoRoot } from './support/server.mjs';
import { launchBrowser } from './support/browser.mjs';

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
      });
    })());
  });
  await page.goto(server.url + '/');
  await page.waitForSelector('[data-hydrated="true"]', { timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await Promise.all(pending);
} finally {
  await browser.close();
  await server.stop();
}

const kb = (n) => (n / 1024).toFixed(1).padStart(8);
rows.sort((a, b) => b.gzip - a.gzip);
console.log('| resource | type | raw KiB | gzip KiB |');
console.log('|---|---|---:|---:|');
for (const r of rows) console.log(`| ${r.path} | ${r.type} | ${kb(r.raw)} | ${kb(r.gzip)} |`);
const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip }), { raw: 0, gzip: 0 });
console.log(`| **total (${rows.length} files)** | | ${kb(total.raw)} | ${kb(total.gzip)} |`);
const out = join(repoRoot, 'target', 'size-report.json');
writeFileSync(out, JSON.stringify({ rows, total }, null, 2));
console.log(`\nwritten to ${out}`);
