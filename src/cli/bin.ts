/** Process entry of the CLI: `node dist/cli/bin.js …` (what bin/gongkai.js loads). */
import { run } from './main.js';

process.exitCode = await run(process.argv.slice(2));
