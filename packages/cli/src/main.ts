import { runPlugboard } from './program.ts';

// a failed command exits at once (a loaded model's threads must not keep it
// alive); a successful one ends when its work does (`serve` keeps running)
const code = await runPlugboard(process.argv.slice(2));
if (code !== 0) process.exit(code);
