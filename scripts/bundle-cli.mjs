// Writes dist/cli/: the compiled commands bundled by esbuild, with the code they share split into chunks and
// what they load on demand left as chunks loaded on demand. Loading ~200 compiled modules one by one (resolve,
// read, compile, link each) was a fifth of a one-agent `doctor` run; the bundle is the same code in a few files.
// oclif (its one copy is the one `execute` loads), ws, yaml, and the large libraries loaded only by some runs
// stay packages; client-node is loaded from dist/vendor/kube-client.js (scripts/bundle-kube.mjs).
import {build} from 'esbuild'
import {readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'

/*
 * zod's entry points export every locale's messages as a namespace (`z.locales`), which ciltune never reads:
 * they were half of the bundled zod, compiled on every start (15–20 ms). English, the default zod sets for
 * itself (imported from locales/en.js directly), stays reachable as `z.locales.en`.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({filter: /^\.\.\/locales\/index\.js$/}, (a) => /[\\/]node_modules[\\/]zod[\\/]/.test(a.importer)
      ? {path: join(dirname(a.importer), '..', 'locales', 'en.js'), namespace: 'zod-english-only'}
      : undefined)
    b.onLoad({filter: /.*/, namespace: 'zod-english-only'}, (a) => ({contents: `export {default as en} from ${JSON.stringify(a.path)}`, resolveDir: dirname(a.path)}))
  },
}

const commands = readdirSync('dist/src/commands').filter((f) => f.endsWith('.js')).map((f) => `dist/src/commands/${f}`)
const result = await build({
  entryPoints: commands,
  outbase: 'dist/src',
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [
    '@oclif/core', '@oclif/core/*', 'ws', '@kubernetes/client-node', '@kubernetes/client-node/*',
    'vega', 'vega-lite', 'prometheus-query', 'tar-stream', 'yauzl',
    // CommonJS that is also imported on demand (import('yaml')): bundled, that import would not see its named exports
    'yaml',
    'typescript', // oclif's optional TypeScript support, never used by a built CLI
  ],
  // bundled CommonJS dependencies call require() for Node's built-ins
  banner: {js: "import {createRequire as __ciltuneRequire} from 'node:module'; const require = __ciltuneRequire(import.meta.url);"},
  legalComments: 'eof',
  plugins: [zodEnglishOnly],
  metafile: true,
  logLevel: 'warning',
})
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
console.log(`dist/cli: ${commands.length} commands in ${Object.keys(result.metafile.outputs).length} files (${(bytes / 1e6).toFixed(1)} MB)`)
