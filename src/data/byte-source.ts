/** Opening data files: a stat check with a DataError, and byte sources for the CSV reader. */
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors.js';

export function statOrThrow(file: string): { totalBytes: number } {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new DataError('cannot open file (does it exist?)', { file });
  }
  if (!st.isFile()) throw new DataError('not a regular file', { file });
  return { totalBytes: st.size };
}

export function openStream(file: string): { stream: Readable; totalBytes: number } {
  const { totalBytes } = statOrThrow(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const stream = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => stream.destroy(e));
  return { stream, totalBytes };
}

/** Fills caller-owned buffers: plain files read straight from the descriptor, gzip through zlib. */
export interface ByteSource {
  totalBytes: number;
  /** Reads up to `length` bytes into `into` at `offset`; 0 at end of file. */
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

export async function openSource(file: string): Promise<ByteSource> {
  if (file.endsWith('.gz')) {
    const { stream, totalBytes } = openStream(file);
    const it = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let pending: Buffer | null = null;
    return {
      totalBytes,
      async read(into, offset, length) {
        if (pending === null || pending.length === 0) {
          const next = await it.next();
          if (next.done) return 0;
          pending = next.value;
        }
        const n = Math.min(length, pending.length);
        into.set(pending.subarray(0, n), offset);
        pending = pending.subarray(n);
        return n;
      },
      async close() {
        stream.destroy();
      },
    };
  }
  const { totalBytes } = statOrThrow(file);
  const fh = await open(file, 'r');
  return {
    totalBytes,
    async read(into, offset, length) {
      return (await fh.read(into, offset, length, null)).bytesRead;
    },
    close: () => fh.close(),
  };
}
