import type { Command } from 'commander';
import { planVllmDeploy, readSkillsFolder, writeVllmDeploy } from '@plugboard/server';
import { positiveIntFlag } from '../flags/number-flags.ts';

interface DeployVllmFlags {
  skills: string;
  base: string;
  out: string;
  port: number;
  mount: string;
  image?: string;
}

export function registerDeploy(program: Command): void {
  const deploy = program.command('deploy').description('run the skills on an existing engine');
  deploy
    .command('vllm')
    .description('write a vLLM launch script and Kubernetes manifest with --lora-modules, --max-loras and --max-lora-rank sized from the skills')
    .requiredOption('--skills <dir>', 'folder of skill packages')
    .requiredOption('--base <hf-id>', 'Hugging Face id of the base model')
    .option('--out <dir>', 'where to write launch-vllm.sh and vllm-k8s.yaml', 'deploy')
    .option('--port <n>', 'vLLM port', positiveIntFlag, 8000)
    .option('--mount <path>', 'where the skills folder is mounted for vLLM', '/skills')
    .option('--image <image>', 'container image (default vllm/vllm-openai:latest)')
    .action((flags: DeployVllmFlags) => {
      const options = { base: flags.base, skillsDir: flags.skills, mountPath: flags.mount, port: flags.port, ...(flags.image === undefined ? {} : { image: flags.image }) };
      const plan = planVllmDeploy(readSkillsFolder(flags.skills), options);
      const { script, manifest } = writeVllmDeploy(plan, options, flags.out);
      for (const s of plan.skipped) process.stderr.write(`plugboard: skipped ${s.name}: ${s.reason}\n`);
      process.stdout.write(`${JSON.stringify({ script, manifest, maxLoras: plan.maxLoras, maxLoraRank: plan.maxLoraRank, loraModules: plan.loraModules })}\n`);
    });
}
