// The build `npm start` and `npm run start:cluster` run: made when it is missing or older than the sources.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const serverEntry = path.join(root, 'dist', 'server', 'src', 'main.js');
const stamp = path.join(root, 'dist', '.build-stamp');
const sources = [
  'client',
  'server/src',
  'shared',
  'package.json',
  'package-lock.json',
  'vite.config.ts',
  'tsconfig.build.json',
];

function newestMtime(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

export function ensureBuild() {
  const builtAt = existsSync(stamp) && existsSync(serverEntry) ? statSync(stamp).mtimeMs : 0;
  const changedAt = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
  if (changedAt > builtAt) {
    console.warn(builtAt ? 'Sources changed since the last build; building…' : 'No build yet; building…');
    execSync('npm run build', { cwd: root, stdio: 'inherit' });
    writeFileSync(stamp, new Date().toISOString());
  }
}
