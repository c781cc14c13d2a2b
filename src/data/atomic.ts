import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A temporary name next to `path`, so the final rename never crosses file systems. */
function tempName(path: string): string {
  return `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
}

/** Writes `content` to `path` through a temporary file and a rename: readers never see half a file. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempName(path);
  try {
    await writeFile(tmp, content);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * A streamed output file that appears under its final name only after `commit()`. `abort()` (or an
 * error while writing) removes the temporary file, so an interrupted run leaves no partial output.
 */
export class AtomicWriter {
  private readonly tmp: string;
  private stream: WriteStream | null = null;
  private pending: string[] = [];
  private pendingChars = 0;
  private failure: Error | null = null;

  private constructor(readonly path: string) {
    this.tmp = tempName(path);
  }

  static async open(path: string): Promise<AtomicWriter> {
    await mkdir(dirname(path), { recursive: true });
    const w = new AtomicWriter(path);
    w.stream = createWriteStream(w.tmp);
    w.stream.on('error', (e) => {
      w.failure = e;
    });
    return w;
  }

  /** Buffers text and flushes it in large chunks, waiting when the OS buffer is full. */
  async write(text: string): Promise<void> {
    this.pending.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= 1 << 20) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const s = this.stream;
    if (!s || this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!s.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          s.off('error', onError);
          resolve();
        };
        const onError = (e: Error): void => {
          s.off('drain', onDrain);
          reject(e);
        };
        s.once('drain', onDrain);
        s.once('error', onError);
      });
    }
  }

  /** Flushes, closes and renames the temporary file to its final name. */
  async commit(): Promise<void> {
    try {
      await this.flush();
      await this.close();
      if (this.failure) throw this.failure;
      await rename(this.tmp, this.path);
    } catch (e) {
      await rm(this.tmp, { force: true });
      throw e;
    }
  }

  /** Discards everything written so far. */
  async abort(): Promise<void> {
    this.pending = [];
    await this.close().catch(() => undefined);
    await rm(this.tmp, { force: true });
  }

  private close(): Promise<void> {
    const s = this.stream;
    this.stream = null;
    if (!s) return Promise.resolve();
    return new Promise((resolve, reject) => {
      s.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  }
}
