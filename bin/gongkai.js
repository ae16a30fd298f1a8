#!/usr/bin/env node
// Entry point of the `gongkai` command. It runs the compiled CLI from dist/ (built by `npm install`
// through the `prepare` script, or by `npm run build`).
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('gongkai: 尚未编译，请先运行 npm install 或 npm run build (dist/cli/bin.js is missing)\n');
  process.exit(2);
}
await import(main.href);
