import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPlugboardError } from '../errors/plugboard-error.ts';
import { openRegularFile } from './open-regular-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-open-regular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPlugboardError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

describe('openRegularFile', () => {
  it('opens a regular file and reads it', () => {
    const path = join(dir, 'file.txt');
    writeFileSync(path, 'hello');
    const fd = openRegularFile(path);
    const bytes = new Uint8Array(5);
    readSync(fd, bytes, 0, 5, 0);
    closeSync(fd);
    expect(new TextDecoder().decode(bytes)).toBe('hello');
  });

  it('refuses a FIFO without blocking, a directory, and names the given code', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(codeOf(() => openRegularFile(fifo, { invalidCode: 'ADAPTER_INVALID' }))).toBe('ADAPTER_INVALID');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    expect(codeOf(() => openRegularFile(folder))).toBe('INVALID_ARGUMENT');
    expect(() => openRegularFile(folder)).toThrow(/is a directory/);
    expect(codeOf(() => openRegularFile(join(dir, 'missing')))).toBe('FILE_NOT_FOUND');
  });

  it('with O_NOFOLLOW refuses a symlink as the last component (ELOOP)', () => {
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'x');
    const link = join(dir, 'link.txt');
    symlinkSync(target, link);
    closeSync(openRegularFile(link));
    expect(() => openRegularFile(link, { flags: constants.O_NOFOLLOW })).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });
});
