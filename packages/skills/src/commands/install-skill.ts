import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, resolve } from 'node:path';
import { extract, list } from 'tar';
import type { ReadEntry } from 'tar';
import { PlugboardError } from '@plugboard/core';
import type { ErrorCode } from '@plugboard/core';
import { openSkill } from '../manifest/load-skill.ts';
import { locateSkill } from '../manifest/locate-skill.ts';
import type { CommandBaseOptions } from './command-base.ts';
import { copyPackageFiles, listPackageFiles } from './package-files.ts';
import { throwIfInvalid, validateSkill } from './validate-skill.ts';

/** An npm tarball keeps the package under this folder. */
const TARBALL_ROOT = 'package';
/** Limits on what a tarball may unpack to: a skill is a few adapter files. */
const MAX_ENTRIES = 10_000;
const MAX_UNPACKED_BYTES = 8 * 1024 ** 3;

export interface InstallSkillOptions extends CommandBaseOptions {
  /** folder the skill is installed into, as `into/<name>` (scoped names as `into/@scope/name`) */
  into: string;
}

export interface InstalledSkill {
  name: string;
  version: string;
  /** the installed package folder */
  dir: string;
  source: 'folder' | 'tarball' | 'package';
}

function refuse(code: ErrorCode, tarball: string, message: string, entry: string): PlugboardError {
  return new PlugboardError(code, `${tarball}: ${message}; the tarball is refused (nothing was installed)`, { details: { tarball, entry } });
}

/** What is wrong with one tar entry, or null: only files and folders under package/, no links, devices or paths that climb out. */
function entryProblem(entry: ReadEntry, tarball: string): PlugboardError | null {
  const path = entry.path;
  if (isAbsolute(path) || /^[a-zA-Z]:/.test(path) || path.includes('\0')) return refuse('PATH_ESCAPE', tarball, `entry "${path}" is an absolute path`, path);
  if (path.split(/[\\/]/).includes('..')) return refuse('PATH_ESCAPE', tarball, `entry "${path}" climbs out of the package with ".."`, path);
  const normalized = posix.normalize(path.replace(/\\/g, '/'));
  if (normalized !== TARBALL_ROOT && normalized !== `${TARBALL_ROOT}/` && !normalized.startsWith(`${TARBALL_ROOT}/`)) {
    return refuse('PATH_ESCAPE', tarball, `entry "${path}" is outside the ${TARBALL_ROOT}/ folder an npm tarball keeps its files in`, path);
  }
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') {
    return refuse('PATH_ESCAPE', tarball, `entry "${path}" is a ${entry.type === 'Link' ? 'hard link' : 'symlink'} (to "${entry.linkpath ?? ''}"); a skill package ships files only`, path);
  }
  if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile' && entry.type !== 'Directory') {
    return refuse('MANIFEST_INVALID', tarball, `entry "${path}" is a ${entry.type}, not a file or folder`, path);
  }
  return null;
}

/** Checks every entry before anything is written: one bad entry refuses the whole tarball. */
async function checkTarball(tarball: string): Promise<void> {
  let problem: PlugboardError | null = null;
  let entries = 0;
  let bytes = 0;
  try {
    await list({
      file: tarball,
      onReadEntry: (entry) => {
        entries++;
        bytes += entry.size ?? 0;
        problem ??= entryProblem(entry, tarball);
        if (entries > MAX_ENTRIES) problem ??= refuse('MANIFEST_INVALID', tarball, `it holds more than ${MAX_ENTRIES} entries`, entry.path);
        if (bytes > MAX_UNPACKED_BYTES) problem ??= refuse('MANIFEST_INVALID', tarball, `it unpacks to more than ${MAX_UNPACKED_BYTES} bytes`, entry.path);
      },
    });
  } catch (cause) {
    throw new PlugboardError('MANIFEST_INVALID', `${tarball} is not a readable (gzipped) tar file: ${(cause as Error).message}`, { cause, details: { tarball } });
  }
  if (problem !== null) throw problem;
  if (entries === 0) throw new PlugboardError('MANIFEST_INVALID', `${tarball} is empty or not a tar file`, { details: { tarball } });
}

function isTarball(spec: string): boolean {
  return existsSync(spec) && statSync(spec).isFile();
}

/**
 * `plugboard skill install`: installs a skill from a folder, an npm tarball
 * (.tgz) or an installed npm package name into `into/<name>`. Nothing of the
 * package is executed (no scripts, no require): files are copied or unpacked,
 * and a tarball with an entry outside package/, a link, or a device is
 * refused whole (PATH_ESCAPE / MANIFEST_INVALID). The copy is validated
 * (against a base model when given one) in a staging folder and renamed into
 * place, so a failure installs nothing; an existing install is not replaced.
 */
export async function installSkill(spec: string, options: InstallSkillOptions): Promise<InstalledSkill> {
  const into = resolve(options.into);
  mkdirSync(into, { recursive: true });
  const staging = mkdtempSync(join(into, '.skill-install-'));
  try {
    let source: InstalledSkill['source'];
    if (isTarball(spec)) {
      await checkTarball(spec);
      await extract({ file: spec, cwd: staging, strip: 1, filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory') });
      source = 'tarball';
    } else {
      const located = locateSkill(spec, { resolveFrom: options.resolveFrom });
      copyPackageFiles(listPackageFiles(located.root), staging);
      source = located.source.kind;
    }
    throwIfInvalid(validateSkill(staging, { modelDir: options.modelDir, base: options.base }), `cannot install ${spec}`);
    const { name, version } = openSkill(staging).manifest;
    const dir = join(into, ...name.split('/'));
    if (existsSync(dir)) {
      throw new PlugboardError('INVALID_ARGUMENT', `${dir} already exists: skill "${name}" is installed there; remove it first to reinstall`, { details: { path: dir } });
    }
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(staging, dir);
    return { name, version, dir, source };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
