import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli, tempDir, writeTemp } from '../helpers/cli.js';

describe('bidfcl train, interrupted with Ctrl-C', () => {
  it('stops after the current batch and leaves a usable run directory', async () => {
    const dir = tempDir();
    const gen = runCli(['generate', '--out', join(dir, 'data'), '--seed', '4', '--arms', '2', '--features', '3', '--obs', '200', '--rct', '4000', '--quiet']);
    assert.equal(gen.code, 0, gen.stderr);
    const config = writeTemp(
      dir,
      'long.yaml',
      `name: long\nseeds: [1, 2]\ndata:\n  arms: 2\n  rct_train: data/rct_train.csv\n  rct_val: data/rct_val.csv\n  rct_test: data/rct_test.csv\nmodel:\n  hidden: [8]\ntrain:\n  epochs: 100000\n  patience: 100000\n  batch_size: 64\nmethods:\n  - kind: tsm-sl\n  - kind: dfcl-ppl\n`,
    );
    const run = join(dir, 'run');
    const child = spawn(process.execPath, [join(ROOT, 'bin/bidfcl.js'), 'train', '--config', config, '--out', run, '--backend', 'cpu'], { cwd: dir });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const interrupted = new Promise<void>((resolve) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/ epoch method="tsm-sl-rct" epoch=2 /.test(stderr) && child.exitCode === null && !child.killed) {
          child.kill('SIGINT');
          resolve();
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    await interrupted;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /interrupt: stopping after the current batch/);
    assert.match(stdout, /interrupted: results so far/);
    const metrics = JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8'));
    assert.equal(metrics.runs.length, 1, 'only the interrupted method of the first seed');
    assert.equal(metrics.runs[0].train.stopped, 'interrupted');
    assert.ok(metrics.runs[0].aucc > 0 && metrics.runs[0].aucc < 1.5, 'AUCC is reported for two arms');
    assert.ok(existsSync(join(run, 'tsm-sl-rct', 'seed-1', 'model', 'model.json')));
    assert.ok(!existsSync(join(run, 'dfcl-ppl')), 'nothing started after the interrupt');
  });
});
