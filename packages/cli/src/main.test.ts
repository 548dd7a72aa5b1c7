/** The installed command's own path: `main.ts` turns `runPlugboard`'s result into the process's exit. */
import { describe, expect, it } from 'vitest';
import { runCliInProcess, runCliSync } from './testing/run-cli.ts';

describe('plugboard (main)', () => {
  it('exits 1 with "plugboard: message [CODE]" on a PlugboardError, exactly as the in-process run reports it', async () => {
    const args = ['inspect', '/nonexistent-model-folder'];
    const spawned = runCliSync(args);
    expect(spawned.code).toBe(1);
    expect(spawned.stdout).toBe('');
    expect(spawned.stderr).toMatch(/^plugboard: model folder \/nonexistent-model-folder does not exist.*\[FILE_NOT_FOUND\]\n$/);
    const inProcess = await runCliInProcess(args);
    expect(inProcess).toEqual(spawned);
  });

  it('in-process: --help and unknown commands end with commander\'s exit codes instead of exiting the test process', async () => {
    const help = await runCliInProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: plugboard');
    expect(help.stdout).toMatch(/\n {2}train\b/);
    const unknown = await runCliInProcess(['no-such-command']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'no-such-command'");
  });
});
