import { copyFileSync, lstatSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { PlugboardError } from '@plugboard/core';
import { isInside } from '../manifest/contained-path.ts';

/** Folders npm leaves out of a package, and so do we. */
const SKIPPED = new Set(['.git', 'node_modules']);
/** Files a skill package may hold before packing or copying gives up. */
const MAX_FILES = 10_000;

/** A file of a package: where it is, and its path inside the package ("/"-separated). */
export interface PackageFile {
  /** real path on disk (a symlink inside the package resolves to its target) */
  source: string;
  path: string;
}

/**
 * Every regular file of the package at `root` (a real path), sorted: what
 * pack and install copy. A symlink is followed only when its target is inside
 * the package (PATH_ESCAPE otherwise); FIFOs, sockets and devices are
 * MANIFEST_INVALID, since a package ships files only.
 */
export function listPackageFiles(root: string): PackageFile[] {
  const files: PackageFile[] = [];
  // each folder with the real paths of the folders above it: a link back up is a cycle, not a deeper folder
  const pending: { dir: string; above: ReadonlySet<string> }[] = [{ dir: root, above: new Set([root]) }];
  while (pending.length > 0) {
    const { dir, above } = pending.pop() as { dir: string; above: ReadonlySet<string> };
    for (const name of readdirSync(dir)) {
      if (dir === root && SKIPPED.has(name)) continue;
      const path = join(dir, name);
      const inside = relative(root, path).split(sep).join('/');
      let stat = lstatSync(path);
      let source = path;
      if (stat.isSymbolicLink()) {
        let real: string | null = null;
        try {
          real = realpathSync(path);
        } catch {
          real = null;
        }
        if (real === null || !isInside(root, real)) {
          throw new PlugboardError('PATH_ESCAPE', `${inside} in ${root} is a symlink to ${real ?? 'a missing target'}, outside the package; ship the file itself`, {
            details: { path: inside, target: real },
          });
        }
        source = real;
        stat = lstatSync(real);
      }
      if (stat.isDirectory()) {
        const real = realpathSync(path);
        if (above.has(real)) {
          throw new PlugboardError('MANIFEST_INVALID', `${inside} in ${root} links back to a folder above it (a cycle); remove the link`, { details: { path: inside } });
        }
        // a link to a folder of the package is copied as a folder under the link's name
        pending.push({ dir: path, above: new Set([...above, real]) });
        continue;
      }
      if (!stat.isFile()) {
        throw new PlugboardError('MANIFEST_INVALID', `${inside} in ${root} is not a regular file (a FIFO, socket or device); a skill package ships files only`, {
          details: { path: inside },
        });
      }
      files.push({ source, path: inside });
      if (files.length > MAX_FILES) {
        throw new PlugboardError('MANIFEST_INVALID', `${root} holds more than ${MAX_FILES} files; a skill package holds a few`, { details: { path: root } });
      }
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Copies the files (see listPackageFiles) into `dest`, keeping their paths. */
export function copyPackageFiles(files: readonly PackageFile[], dest: string): void {
  for (const file of files) {
    mkdirSync(dirname(join(dest, file.path)), { recursive: true });
    copyFileSync(file.source, join(dest, file.path));
  }
}
