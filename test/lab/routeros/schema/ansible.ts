/**
 * Parameter names per menu, extracted at lab set-up from Ansible's
 * community.routeros `_api_data.py` (a third-party description of RouterOS)
 * and cached as JSON keyed by the source file's hash.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface AnsibleField {
  canDisable: boolean;
  required: boolean;
  default: string | null;
  removeValue: string | null;
}

export interface AnsibleMenu {
  primaryKeys: string[];
  stratifyKeys: string[];
  singleValue: boolean;
  fixedEntries: boolean;
  hasIdentifier: boolean;
  fields: Record<string, AnsibleField>;
}

/** Keyed by API path, e.g. `/ip/firewall/nat`. */
export type AnsibleSchema = Record<string, AnsibleMenu>;

export const DEFAULT_API_DATA_PATHS = [
  '/usr/lib/python3/dist-packages/ansible_collections/community/routeros/plugins/module_utils/_api_data.py',
  '/usr/share/ansible/collections/ansible_collections/community/routeros/plugins/module_utils/_api_data.py',
];

/** Debian's interpreter: the one that has the packaged collections (a pyenv shim may not). */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

export function findApiDataFile(candidates: readonly string[] = DEFAULT_API_DATA_PATHS): string | undefined {
  const fromEnv = process.env.ROUTEROS_SIM_API_DATA;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return candidates.find((p) => existsSync(p));
}

export async function loadAnsibleSchema(cacheDir: string, source = findApiDataFile()): Promise<AnsibleSchema> {
  if (!source) {
    throw new Error(
      "community.routeros _api_data.py not found: install Debian's `ansible` package (the simulator takes its parameter names from it)",
    );
  }
  const text = await readFile(source);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const cacheFile = join(cacheDir, `ansible-api-data-${hash}.json`);
  try {
    return JSON.parse(await readFile(cacheFile, 'utf8')) as AnsibleSchema;
  } catch {
    // Not cached yet (or unreadable): extract below.
  }
  const script = join(__dirname, 'dump_api_data.py');
  const { stdout } = await run(PYTHON, [script, source], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  const schema = JSON.parse(stdout) as AnsibleSchema;
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  await writeFile(tmp, stdout);
  await rename(tmp, cacheFile);
  return schema;
}
