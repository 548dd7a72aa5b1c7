/** Test-only: writes a gzipped tar with entries exactly as given (names with "..", links, devices), which tar libraries refuse to create. */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export interface RawTarEntry {
  name: string;
  /** ustar type flag: '0' file, '2' symlink, '3' char device, '5' folder, '6' FIFO */
  type?: '0' | '1' | '2' | '3' | '5' | '6';
  content?: string | Uint8Array;
  linkname?: string;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(entry: RawTarEntry, size: number): Uint8Array {
  const block = new Uint8Array(512);
  const put = (text: string, offset: number) => block.set(new TextEncoder().encode(text), offset);
  put(entry.name, 0);
  put(octal(entry.type === '5' ? 0o755 : 0o644, 8), 100);
  put(octal(0, 8), 108);
  put(octal(0, 8), 116);
  put(octal(size, 12), 124);
  put(octal(0, 12), 136);
  put('        ', 148);
  put(entry.type ?? '0', 156);
  if (entry.linkname) put(entry.linkname, 157);
  put('ustar\u000000', 257);
  const sum = block.reduce((total, byte) => total + byte, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

export function writeRawTarball(path: string, entries: readonly RawTarEntry[]): void {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const data = typeof entry.content === 'string' || entry.content === undefined ? new TextEncoder().encode(entry.content ?? '') : entry.content;
    blocks.push(header(entry, data.length));
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  writeFileSync(path, gzipSync(Buffer.concat(blocks)));
}
