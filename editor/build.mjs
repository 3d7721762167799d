// Bundles src/main.js into ../public/editor/editor-<hash>.js (minified ES module) and writes
// ../public/editor/manifest.json naming it, which the server reads to link the chunk: a new
// build gets a new name, so the file can be cached for as long as a browser likes.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'public', 'editor');
mkdirSync(out, { recursive: true });
for (const old of readdirSync(out)) rmSync(join(out, old));
const result = await build({
  entryPoints: { editor: join(here, 'src', 'main.js') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  splitting: true,
  outdir: out,
  metafile: true,
  legalComments: 'none',
});
const [file] = Object.entries(result.metafile.outputs)
  .filter(([, o]) => o.entryPoint?.endsWith('main.js'))
  .map(([f]) => f);
writeFileSync(join(out, 'manifest.json'), JSON.stringify({ editor: `/editor/${basename(file)}` }) + '\n');
console.log(`editor bundle: /editor/${basename(file)}`);
