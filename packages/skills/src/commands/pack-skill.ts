import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { create } from 'tar';
import { PACKAGE_JSON_FILE } from '../manifest/read-manifest.ts';
import { openSkill } from '../manifest/load-skill.ts';
import { copyPackageFiles, listPackageFiles } from './package-files.ts';
import type { CommandBaseOptions } from './command-base.ts';
import { throwIfInvalid, validateSkill } from './validate-skill.ts';

/** npm pack's fixed entry time, so the same files give the same tarball. */
const NPM_PACK_MTIME = new Date('1985-10-26T08:15:00.000Z');

export interface PackSkillOptions extends CommandBaseOptions {
  /** folder the tarball goes to (default the working directory) */
  outDir?: string;
}

export interface PackedSkill {
  name: string;
  version: string;
  /** the .tgz written */
  tarball: string;
  /** paths inside the package, as in the tarball under package/ */
  files: string[];
}

/** npm's tarball name: @scope/name → scope-name-1.0.0.tgz. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * `plugboard skill pack`: validates the package (against a base model when
 * given one), then writes an npm-compatible tarball (gzip, entries under
 * package/, a package.json made from the manifest when the package has none),
 * with fixed times and modes so the same files give the same bytes. The
 * tarball is written under a temporary name and renamed: never half a file.
 */
export async function packSkill(dir: string, options: PackSkillOptions = {}): Promise<PackedSkill> {
  throwIfInvalid(validateSkill(dir, options), `cannot pack ${dir}`);
  const skill = openSkill(dir, { resolveFrom: options.resolveFrom });
  const { name, version, description } = skill.manifest;
  const files = listPackageFiles(skill.root);
  const outDir = resolve(options.outDir ?? process.cwd());
  mkdirSync(outDir, { recursive: true });
  const tarball = join(outDir, tarballName(name, version));
  const staging = mkdtempSync(join(outDir, '.skill-pack-'));
  try {
    const tree = join(staging, 'package');
    copyPackageFiles(files, tree);
    const paths = files.map((f) => f.path);
    if (!existsSync(join(tree, PACKAGE_JSON_FILE))) {
      // npm needs a package.json; the manifest stays in skill.json (one manifest per package)
      writeFileSync(join(tree, PACKAGE_JSON_FILE), `${JSON.stringify({ name, version, description, keywords: ['plugboard-skill'] }, null, 2)}\n`);
      paths.push(PACKAGE_JSON_FILE);
    }
    const temporary = join(staging, 'skill.tgz');
    await create({ gzip: true, file: temporary, cwd: staging, portable: true, mtime: NPM_PACK_MTIME }, paths.sort().map((p) => `package/${p}`));
    renameSync(temporary, tarball);
    return { name, version, tarball, files: paths };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
