import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { TINY_SHAPES, writeFixtureModel } from '@plugboard/core/testing';
import { writeFixtureSkill } from '@plugboard/skills/testing';
import { readSkillsFolder } from '../catalog/read-skills-folder.ts';
import { planVllmDeploy, vllmLoraRank } from './vllm-deploy.ts';

const tmp = mkdtempSync(join(tmpdir(), 'plugboard-deploy-'));
const skillsDir = join(tmp, 'skills');
const { config } = writeFixtureModel(join(tmp, 'model'), TINY_SHAPES);
writeFixtureSkill(join(skillsDir, 'hr'), { config, name: 'hr', rank: 4, seed: 1 });
writeFixtureSkill(join(skillsDir, 'sql'), { config, name: 'sql', rank: 12, seed: 2 });
writeFixtureSkill(join(skillsDir, 'style'), { config, name: 'style', kind: 'adapter', rank: 8, seed: 3 });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('plugboard deploy vllm', () => {
  it('rounds ranks up to the values vLLM accepts', () => {
    expect([1, 8, 9, 17, 300, 320, 321, 512].map(vllmLoraRank)).toEqual([8, 8, 16, 32, 320, 320, 512, 512]);
    expect(() => vllmLoraRank(513)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FEATURE' }));
  });

  it('sizes --lora-modules, --max-loras and --max-lora-rank from the LoRA skills and skips bottleneck Adapters with the reason', () => {
    const plan = planVllmDeploy(readSkillsFolder(skillsDir), { base: 'Qwen/Qwen2.5-0.5B-Instruct', skillsDir });
    expect(plan.args).toEqual(['serve', 'Qwen/Qwen2.5-0.5B-Instruct', '--port', '8000', '--enable-lora', '--lora-modules', 'hr=/skills/hr/adapter', 'sql=/skills/sql/adapter', '--max-loras', '2', '--max-lora-rank', '16']);
    expect(plan.skipped).toEqual([{ name: 'style', reason: expect.stringContaining('retrain it as LoRA') }]);
  });

  it('writes a launch script and a Kubernetes Deployment + Service carrying the same arguments (CLI)', () => {
    const out = join(tmp, 'out');
    const printed = execFileSync(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', 'deploy', 'vllm', '--skills', skillsDir, '--base', 'Qwen/Qwen2.5-0.5B-Instruct', '--out', out], { cwd: join(import.meta.dirname, '..', '..', '..', '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(JSON.parse(printed)).toMatchObject({ maxLoras: 2, maxLoraRank: 16 });
    expect(readFileSync(join(out, 'launch-vllm.sh'), 'utf8')).toContain('exec vllm serve Qwen/Qwen2.5-0.5B-Instruct --port 8000 --enable-lora --lora-modules hr=/skills/hr/adapter sql=/skills/sql/adapter --max-loras 2 --max-lora-rank 16');
    type Container = { args: string[]; volumeMounts: Array<{ mountPath: string }> };
    const [deployment, service] = parseAllDocuments(readFileSync(join(out, 'vllm-k8s.yaml'), 'utf8')).map((d) => d.toJSON() as { kind: string; spec: { template: { spec: { containers: Container[] } } } });
    expect(deployment?.kind).toBe('Deployment');
    expect(deployment?.spec.template.spec.containers[0]?.args).toContain('--enable-lora');
    expect(deployment?.spec.template.spec.containers[0]?.volumeMounts[0]?.mountPath).toBe('/skills');
    expect(service).toMatchObject({ kind: 'Service', spec: { ports: [{ port: 8000 }] } });
  });

  it('refuses a folder with no LoRA skill, saying what to do', () => {
    const only = join(tmp, 'only-bottleneck');
    writeFixtureSkill(join(only, 'style'), { config, name: 'style', kind: 'adapter', rank: 8, seed: 3 });
    expect(() => planVllmDeploy(readSkillsFolder(only), { base: 'b', skillsDir: only })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FEATURE', message: expect.stringContaining('retrain them as LoRA') }));
  });
});
