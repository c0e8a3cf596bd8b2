/**
 * Loads the installed packages (anything under node_modules/) with Node's own CommonJS loader instead of
 * tsx's, for every process the tests start (`node --require ./harness/direct-deps.cjs --import tsx ...`).
 * tsx only needs to see our TypeScript; for a package's plain JavaScript its hooks re-read each file,
 * scan it for ESM syntax and resolve every require() through their own resolver, which about doubles the
 * CPU it takes to load the Google clients (≈0.6 s more per process that loads the product). A package
 * is then loaded exactly as in production, where no tsx runs at all. It must be required before tsx
 * registers: it keeps Node's loader and resolver, and routes tsx's replacements around node_modules.
 */
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a preload for --require runs as CommonJS
const Module = require('node:module');

const inPackages = (path) => typeof path === 'string' && path.includes('/node_modules/');
const nativeLoad = Module._extensions['.js'];
let tsxLoad = nativeLoad;
// A file tsx hands back to the loader it wrapped (ours) is loaded natively, not passed to tsx again.
const withTsx = new Set();

function load(module, filename) {
  if (inPackages(filename) || withTsx.has(filename)) return nativeLoad.call(this, module, filename);
  withTsx.add(filename);
  try {
    return tsxLoad.call(this, module, filename);
  } finally {
    withTsx.delete(filename);
  }
}

Object.defineProperty(Module._extensions, '.js', {
  configurable: true,
  enumerable: true,
  get: () => load,
  set: (replacement) => {
    tsxLoad = replacement === load ? tsxLoad : replacement;
  },
});

// tsx turns source maps on for every module; Node then reads and parses each package's .js.map as it loads
// it. Our TypeScript keeps its maps (readable stack traces in tests); packages show their JavaScript, as
// they do in production.
const setSourceMapsEnabled = process.setSourceMapsEnabled.bind(process);
process.setSourceMapsEnabled = (enabled) =>
  enabled ? Module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: true }) : setSourceMapsEnabled(false);
