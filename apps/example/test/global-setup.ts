import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';
import { clientBuild } from '../tsup.config.js';

/** The browser tests need the client bundle; build it when `npm run build` has not run yet. */
export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (existsSync(`${root}/dist/public/app.js`) && existsSync(`${root}/dist/public/app.css`)) return;
  const cwd = process.cwd();
  process.chdir(root);
  try {
    await build({ ...clientBuild, silent: true });
  } finally {
    process.chdir(cwd);
  }
}
