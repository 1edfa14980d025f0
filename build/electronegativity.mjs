// Electron security lint: Doyensec's electronegativity over electron/, failing
// on any HIGH-severity finding. It runs offline: the package's own update
// checks (translations, Electron release list) are answered "unreachable"
// before they can open a socket, and the release-list check is excluded.
import { createRequire } from 'node:module';
import Module from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));

const offline = () => Promise.reject(new Error('offline: network disabled for the security lint'));
offline.head = offline;
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (request === 'got' && parent?.filename?.includes('@doyensec/electronegativity'))
    return { default: offline, __esModule: true };
  return load.call(this, request, parent, ...rest);
};

const inputFlag = process.argv.indexOf('--input');
const input = inputFlag > 0 ? process.argv[inputFlag + 1] : `${root}electron`;

const run = require('@doyensec/electronegativity/dist/runner.js');
const { version: electronVersion } = require('electron/package.json');

// AVAILABLE_SECURITY_FIXES needs the network; keeping Electron current is a release task.
const excluded = ['AvailableSecurityFixesGlobalCheck'];

const origLog = console.log;
console.log = (...args) => {
  if (!String(args[0] ?? '').startsWith('Could not retrieve updated translations')) origLog(...args);
};
const result = await run({
  input,
  output: undefined,
  isSarif: false,
  customScan: [],
  excludeFromScan: excluded,
  severitySet: 'informational',
  confidenceSet: 'tentative',
  isRelative: true,
  electronUpgrade: undefined,
  electronVersionOverride: electronVersion,
  parserPlugins: [],
});
console.log = origLog;

const blocking = result.issues.filter((i) => i.severity.name === 'HIGH');
const parseErrors = result.errors.filter((e) => !e.tolerable);
for (const issue of result.issues) {
  const where = `${issue.file.replace(root, '')}:${issue.location.line}:${issue.location.column}`;
  console.log(`${issue.severity.name.padEnd(13)} ${issue.confidence.name.padEnd(9)} ${issue.id.padEnd(40)} ${where}`);
}
for (const error of parseErrors) console.log(`PARSE ERROR   ${error.file}: ${error.message}`);
console.log(
  `electronegativity: ${result.atomicChecks + result.globalChecks} checks, ${result.issues.length} findings, ` +
    `${blocking.length} high severity, ${parseErrors.length} files not parsed`,
);
if (blocking.length > 0 || parseErrors.length > 0) process.exit(1);
