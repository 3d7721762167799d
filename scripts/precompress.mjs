#!/usr/bin/env node
// Writes NAME.br (Brotli, quality 11) and NAME.gz (gzip by Zopfli) beside each file of the built
// site's /pkg and /editor, which the server sends as they are to a browser that accepts them
// (server/src/assets.rs): nothing is compressed per request, and at the strongest levels, which
// would be too slow per request. A file that does not shrink gets neither (it goes as it is).
// Zopfli writes ordinary gzip ~5 % smaller than zlib's level 9 (the first page's WASM: 236.8 →
// 224.5 KB) for a gzip-only client, at ~14 µs a byte; its output is kept by the source's SHA-256
// in target/precompress-cache/ (the Brotli too), so a rebuild pays only for the files that changed.
// Run after `cargo leptos build` (make build, make run and scripts/test.sh do):
//   node scripts/precompress.mjs [SITE_ROOT]     (default target/site)
// cargo-leptos's own `--precompress` is not used: its gzip (libflate) is ~17 % bigger than
// level 9 on the WASM (docs/BENCHMARKS.md).
import { brotliCompress, gzip, constants } from 'node:zlib';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, rm, stat, mkdir } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

// Zopfli from the build tools' npm packages (tools/package.json), installed by scripts/setup.sh.
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { gzipAsync: zopfli } = createRequire(join(repo, 'tools', 'package.json'))('@gfx/zopfli');
const root = resolve(process.argv[2] ?? 'target/site');
const cache = join(repo, 'target', 'precompress-cache');
const DIRECTORIES = ['pkg', 'editor'];
const COMPRESSED = /\.(br|gz)$/;
const [br, gz] = [promisify(brotliCompress), promisify(gzip)];

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/** Writes or removes `path + ext` so it holds `packed` only when that is smaller than `size`. */
async function keep(path, ext, packed, size) {
  if (packed.length < size) await writeFile(path + ext, packed);
  else await rm(path + ext, { force: true });
}

/** `make(body)`, from the cache when it was made before for the same bytes. */
async function cached(ext, body, make) {
  const path = join(cache, `${createHash('sha256').update(body).digest('hex')}${ext}`);
  const hit = await readFile(path).catch(() => null);
  if (hit) return hit;
  const packed = Buffer.from(await make(body));
  await mkdir(cache, { recursive: true });
  await writeFile(path, packed);
  return packed;
}

/** The smaller of Zopfli's and zlib's gzip of `body`. */
async function smallestGzip(body) {
  const [z, zlib] = await Promise.all([
    zopfli(body, { numiterations: 5 }),
    gz(body, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  return z.length < zlib.length ? z : zlib;
}

async function precompress(path) {
  const body = await readFile(path);
  const [brotli, gzipped] = await Promise.all([
    cached('.br', body, (b) => br(b, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: b.length,
      },
    })),
    cached('.gz', body, smallestGzip),
  ]);
  await Promise.all([keep(path, '.br', brotli, body.length), keep(path, '.gz', gzipped, body.length)]);
  return { raw: body.length, br: Math.min(brotli.length, body.length), gz: Math.min(gzipped.length, body.length) };
}

let total = { files: 0, raw: 0, br: 0, gz: 0 };
for (const name of DIRECTORIES) {
  const dir = join(root, name);
  if (!(await stat(dir).catch(() => null))) {
    console.error(`precompress: ${dir} is missing: run \`cargo leptos build --release --split\` first`);
    process.exit(1);
  }
  const originals = [];
  for await (const path of files(dir)) {
    if (COMPRESSED.test(path)) {
      // Left by an earlier build for a file that is gone: it would be served for nothing.
      const source = path.replace(COMPRESSED, '');
      if (!(await stat(source).catch(() => null))) await rm(path);
    } else {
      originals.push(path);
    }
  }
  for (const sizes of await Promise.all(originals.map(precompress))) {
    total = { files: total.files + 1, raw: total.raw + sizes.raw, br: total.br + sizes.br, gz: total.gz + sizes.gz };
  }
}
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `precompress: ${total.files} files in ${DIRECTORIES.map((d) => join(root, d)).join(', ')}: ` +
    `${kib(total.raw)} raw, ${kib(total.gz)} gzip, ${kib(total.br)} Brotli`,
);
