import { constants, existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';
import { PlugboardError, openRegularFile } from '@plugboard/core';
import type { ErrorCode, FileOpener } from '@plugboard/core';

function escape(message: string, details: Record<string, unknown>): PlugboardError {
  return new PlugboardError('PATH_ESCAPE', message, { details });
}

/** Whether `path` is `root` or below it (both already real paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * Resolves a path a manifest names (`field`) inside the package at `root` (a
 * real path). Absolute paths, `..` segments, and symlinks whose target lies
 * outside the package are PATH_ESCAPE: a skill may only point at its own files.
 * Returns the real path; FILE_NOT_FOUND when nothing is there.
 */
export function resolveInside(root: string, path: string, field: string): string {
  if (isAbsolute(path) || win32.isAbsolute(path)) {
    throw escape(`${field} "${path}" is an absolute path; give a path relative to the skill package ${root}`, { field, path });
  }
  if (path.includes('\0') || path.split(/[\\/]/).includes('..')) {
    throw escape(`${field} "${path}" leaves the skill package (".." is not allowed); keep every file inside ${root}`, { field, path });
  }
  const target = resolve(root, path);
  if (!existsSync(target)) {
    throw new PlugboardError('FILE_NOT_FOUND', `${field} "${path}" does not exist in the skill package ${root}`, { details: { field, path } });
  }
  const real = realpathSync(target);
  if (!isInside(root, real)) {
    throw escape(`${field} "${path}" is a symlink to ${real}, outside the skill package ${root}; ship the files inside the package`, {
      field,
      path,
      target: real,
    });
  }
  return real;
}

/**
 * Opens a file of the package for reading (see resolveInside) and returns its
 * descriptor. The real path is opened with O_NOFOLLOW and checked on the
 * opened descriptor, so a file swapped for a symlink, a directory, a FIFO or a
 * device after the package was loaded is refused at the moment it is read:
 * PATH_ESCAPE for a link, `invalidCode` for anything but a regular file.
 */
export function openInside(root: string, path: string, field: string, invalidCode: ErrorCode): number {
  const real = resolveInside(root, path, field);
  try {
    return openRegularFile(real, { invalidCode, flags: constants.O_NOFOLLOW });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    throw escape(`${field} "${path}" became a symlink while it was being opened; ship the files inside the skill package ${root}`, { field, path });
  }
}

/** A FileOpener for core's readers (they pass absolute paths) that keeps every read inside the package at `root`. */
export function openerInside(root: string, field: string, invalidCode: ErrorCode): FileOpener {
  return (path) => openInside(root, relative(root, path), `${field} ${relative(root, path)}`, invalidCode);
}

/** Entries a folder walk looks at before giving up: adapter folders hold a handful of files. */
const MAX_ENTRIES = 10_000;

/**
 * Checks that every symlink under `dir` (a real path inside `root`) resolves
 * inside `root`, so readers that open files by name in that folder cannot be
 * led outside the package.
 */
export function assertTreeInside(root: string, dir: string, field: string): void {
  const pending = [dir];
  let seen = 0;
  while (pending.length > 0) {
    const current = pending.pop() as string;
    for (const name of readdirSync(current)) {
      if (++seen > MAX_ENTRIES) {
        throw new PlugboardError('ADAPTER_INVALID', `${field} folder ${dir} holds more than ${MAX_ENTRIES} entries; an adapter folder holds a few files`);
      }
      const path = join(current, name);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) {
        const real = existsSync(path) ? realpathSync(path) : null;
        if (real === null || !isInside(root, real)) {
          throw escape(`${path} (under ${field}) is a symlink to ${real ?? 'a missing target'}, outside the skill package ${root}`, {
            field,
            path,
            target: real,
          });
        }
      } else if (stat.isDirectory()) {
        pending.push(path);
      }
    }
  }
}
