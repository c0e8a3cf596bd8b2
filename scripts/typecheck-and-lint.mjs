#!/usr/bin/env node
// The typecheck and the lint of `npm test` in one process, over ONE TypeScript program. `npm run typecheck`
// (tsc) and `npm run lint` (typescript-eslint's type-checked rules, projectService) each build the whole
// program of the same files and type-check it: about two thirds of their CPU is that work done twice. Here
// the program is built once from tsconfig.json; its pre-emit diagnostics are printed as tsc prints them,
// then ESLint runs through its Node API with eslint.config.mjs as it is, except that the TypeScript files
// get this program (`parserOptions.programs`) instead of the project service, so the type checker that
// already checked everything answers the rules' type questions. Every linted TypeScript file must be in
// the program (typescript-eslint fails on one that is not): tsconfig.json includes every folder we write
// TypeScript in. The JavaScript files keep eslint.config.mjs's untyped setup (disableTypeChecked).
// Prints tsc's diagnostics, then ESLint's stylish report; exits 1 when either found an error.
// `npm run typecheck` and `npm run lint` stay as they were, for developers.
import { ESLint } from 'eslint';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const TS_FILES = ['**/*.ts', '**/*.mts', '**/*.cts', '**/*.tsx'];

/** The program tsc -p tsconfig.json would build, and the config file's own errors. */
function buildProgram() {
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  const configErrors = [];
  const parsed = ts.getParsedCommandLineOfConfigFile(
    configPath,
    { noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d) },
  );
  if (!parsed) return { program: undefined, configErrors };
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: parsed.options,
    projectReferences: parsed.projectReferences,
    configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
  });
  return { program, configErrors: [...configErrors, ...parsed.errors] };
}

/** Prints diagnostics as tsc does (colour and context on a terminal); resolves to the number of errors. */
function reportDiagnostics(diagnostics) {
  const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => ts.sys.newLine,
  };
  const sorted = ts.sortAndDeduplicateDiagnostics(diagnostics);
  if (sorted.length > 0) {
    const format = process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
    process.stdout.write(format(sorted, host));
  }
  const errors = sorted.filter((d) => d.category === ts.DiagnosticCategory.Error).length;
  if (errors > 0) console.log(`\nFound ${errors} error${errors === 1 ? '' : 's'} (typecheck).`);
  return errors;
}

const { program, configErrors } = buildProgram();
const typeErrors = reportDiagnostics([...configErrors, ...(program ? ts.getPreEmitDiagnostics(program) : [])]);

let lintErrors = 0;
if (program) {
  const eslint = new ESLint({
    cwd: root,
    overrideConfig: {
      files: TS_FILES,
      languageOptions: { parserOptions: { projectService: false, programs: [program] } },
    },
  });
  const results = await eslint.lintFiles(['.']);
  const formatter = await eslint.loadFormatter('stylish');
  const text = await formatter.format(results);
  if (text) console.log(text); // as the eslint command prints it
  lintErrors = results.reduce((sum, r) => sum + r.errorCount, 0);
} else {
  console.log('lint not run: tsconfig.json could not be read.');
}
process.exitCode = typeErrors > 0 || lintErrors > 0 || !program ? 1 : 0;
