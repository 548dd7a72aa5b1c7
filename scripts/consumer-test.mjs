#!/usr/bin/env node
// The packages as a user gets them: build, pack every @plugboard/* package,
// install the tarballs into a fresh project outside the workspace, then run
// a plain-Node app, type-check a TypeScript consumer against the published
// .d.ts, run the packed CLI, and check that nothing published imports a dev
// dependency. Prints one JSON line with the tarball sizes.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const here = join(import.meta.dirname, 'consumer');
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' };
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const work = mkdtempSync(join(tmpdir(), 'plugboard-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
try {
  run('pnpm', ['build'], root);
  run('pnpm', ['-r', '--filter', './packages/*', 'pack', '--pack-destination', tarballs], root);
  const packed = Object.fromEntries(
    readdirSync(tarballs).map((file) => [file.replace(/^plugboard-/, '@plugboard/').replace(/-\d+\.\d+\.\d+.*\.tgz$/, ''), join(tarballs, file)]),
  );
  const sizes = Object.fromEntries(Object.entries(packed).map(([name, file]) => [name, statSync(file).size]));

  // a project of its own: the tarballs (also for the packages' dependencies on each other), zod, LangChain core, TypeScript's node types
  run('mkdir', ['-p', app]);
  const links = Object.fromEntries(Object.entries(packed).map(([name, file]) => [name, `file:${file}`]));
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'plugboard-consumer',
        private: true,
        type: 'module',
        dependencies: { ...links, zod: '^4.6.7', '@langchain/core': '^1.4.0' },
        devDependencies: { '@types/node': '^20', typescript: rootPkg.devDependencies.typescript },
        pnpm: { overrides: links, onlyBuiltDependencies: [] },
      },
      null,
      2,
    ),
  );
  for (const file of ['app.mjs', 'app.ts', 'tsconfig.json']) copyFileSync(join(here, file), join(app, file));
  run('pnpm', ['install', '--ignore-workspace', '--config.confirmModulesPurge=false'], app);

  const appOutput = JSON.parse(run(process.execPath, ['app.mjs'], app).trim().split('\n').at(-1));
  run(join(app, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], app);
  const help = run(join(app, 'node_modules', '.bin', 'plugboard'), ['--help'], app);

  // nothing published may import a dev dependency
  const offenders = [];
  for (const name of Object.keys(packed)) {
    const dist = join(app, 'node_modules', ...name.split('/'), 'dist');
    for (const file of readdirSync(dist, { recursive: true })) {
      if (!String(file).endsWith('.js')) continue;
      const text = readFileSync(join(dist, String(file)), 'utf8');
      if (/from ['"](vitest|tsx)['"/]|import\(['"](vitest|tsx)['"]\)/.test(text)) offenders.push(`${name}/dist/${file}`);
    }
  }
  if (offenders.length > 0) throw new Error(`published files import dev dependencies: ${offenders.join(', ')}`);
  if (!/Usage: plugboard/.test(help)) throw new Error(`the packed CLI printed no usage:\n${help}`);
  if (appOutput.routed?.[0] !== 'poem' || appOutput.generatedChars === undefined) throw new Error(`the consumer app did not route to poem: ${JSON.stringify(appOutput)}`);
  process.stderr.write(`$ npx plugboard --help   (the packed CLI, plain Node)\n${help}`);
  process.stdout.write(`${JSON.stringify({ ok: true, tarball_bytes: sizes, app: appOutput, cli_help_lines: help.trim().split('\n').length })}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
