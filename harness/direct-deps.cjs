/**
 * Loads the installed packages (anything under node_modules/) with Node's own CommonJS loader instead of
 * tsx's, in every Node process of `npm test` (scripts/run-tests.mjs puts `--require` of this file in NODE_OPTIONS).
 * tsx only needs to see our TypeScript; for a package's plain JavaScript its loader re-reads each file and
 * scans it for ESM syntax, which about doubles the CPU it takes to load the Google clients (measured:
 * `@google-cloud/tasks` 1.24 s with tsx's loader, 0.77 s with Node's; Node alone 0.5 s). Requires are still
 * resolved by tsx (our `.js` specifiers name `.ts` files). A package is then loaded as in production,
 * where no tsx runs at all. It must be required before tsx registers: it keeps Node's loader, and routes
 * tsx's replacement around node_modules.
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
