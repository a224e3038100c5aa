import { existsSync } from 'node:fs';
import { loadConfig } from './config.js';
import { startInbox } from './server/app.js';
import { loginUrl } from './server/security.js';

/** `npm start`: reads the environment, starts the inbox and prints where to open it. */
async function main(): Promise<void> {
  // A local .env (see .env.example) fills in what the environment does not set.
  const envFile = process.env.ENV_FILE ?? '.env';
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfig(process.env);
  const inbox = await startInbox(config);
  const url = config.publicUrl ?? inbox.url;
  const lines = [
    '',
    '  ⇄ Switchboard Inbox is running',
    '',
    // The one place the login token is printed (as Jupyter does): opening this URL logs the browser in.
    `  Open       ${loginUrl(url, config.loginToken)}`,
    `  Health     ${url}/health`,
    `  Metrics    ${url}/metrics${config.loginToken ? ' (Authorization: Bearer <the token>)' : ''}`,
    `  Webhooks   ${url}/webhooks/{messenger,instagram,whatsapp${config.telegram ? ',telegram' : ''}}`,
    inbox.simulator
      ? `  Mode       simulator at ${inbox.simulator.url} (demo traffic: ${config.demoTrafficPerMinute}/min per account, ${config.demoTrafficModel})`
      : '  Mode       Meta (real credentials)',
    `  Data       ${config.dataDir}`,
    ...(config.loginToken
      ? []
      : ['  Login      off (INBOX_AUTH=off): anyone on this machine can use the inbox']),
    '',
    '  Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n  ${signal}: stopping…\n`);
    inbox.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Switchboard Inbox failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
