// `npm run build`, last step: the compiled server imports `#shared/...` as the sources do; the
// package.json written beside it maps that alias to the compiled shared/ code (the root package.json
// maps it to the TypeScript sources, for tsx, Vite and vitest).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { imports } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const compiled = Object.fromEntries(
  Object.entries(imports).map(([alias, target]) => [alias, target.replace(/\.ts$/, '.js')]),
);
writeFileSync(
  path.join(root, 'dist', 'package.json'),
  `${JSON.stringify({ type: 'module', private: true, imports: compiled }, null, 2)}\n`,
);
