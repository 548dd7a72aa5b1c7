import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectPlugboardError, useTempDir } from '../testing/test-helpers.ts';
import { openRegularFile } from './open-regular-file.ts';

const dir = useTempDir('open-regular');

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

  it('refuses a FIFO without blocking, a directory, a device, and names the given code', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expectPlugboardError(() => openRegularFile(fifo, { invalidCode: 'ADAPTER_INVALID' }), 'ADAPTER_INVALID', 'is a FIFO');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    expectPlugboardError(() => openRegularFile(folder), 'INVALID_ARGUMENT', 'is a directory');
    expectPlugboardError(() => openRegularFile(join(dir, 'missing')), 'FILE_NOT_FOUND');
    // a character device every Linux has
    expectPlugboardError(() => openRegularFile('/dev/null', { invalidCode: 'ADAPTER_INVALID' }), 'ADAPTER_INVALID', 'is a device file');
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
