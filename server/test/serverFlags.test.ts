import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../scripts/serverFlags.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe("the server's Node flags", () => {
  it('are the ones npm start gives, and this Node takes them', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} scripts/start.mjs`);
    // Node refuses to start with a flag it does not know.
    const out = execFileSync(process.execPath, [...SERVER_NODE_FLAGS, '-p', '"started"'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('started');
  });
});
