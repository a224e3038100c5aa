#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startMetaSimulator } from './simulator.js';
import { SIM_CHANNELS, type SimChannel } from './types.js';
import { publicWorld } from './world.js';

const HELP = `switchboard-sim — a fake Meta platform (Graph API + signed webhooks + faults)

Usage: switchboard-sim [options]
  --port <n>                  port to listen on (env SWITCHBOARD_SIM_PORT, default 4010; 0 = any free port)
  --host <addr>               address (env SWITCHBOARD_SIM_HOST, default 127.0.0.1)
  --webhook <channel>=<url>   webhook target, repeatable (messenger | instagram | whatsapp)
                              (env SWITCHBOARD_SIM_WEBHOOKS, comma-separated channel=url pairs)
  --traffic <n>/min|<n>/s     customer messages per account (env SWITCHBOARD_SIM_TRAFFIC)
  --traffic-model <m>         poisson (independent messages, default) or sessions (bursts, business
                              answers, follow-ups) (env SWITCHBOARD_SIM_TRAFFIC_MODEL)
  --seed <n>                  world, secrets and traffic seed (env SWITCHBOARD_SIM_SEED; default: seed 1's
                              world with secrets and tokens generated per run)
  --app-secret <s>            fixed app secret (env SWITCHBOARD_SIM_APP_SECRET; default: per run, or seeded)
  --verify-token <s>          fixed webhook verify token (env SWITCHBOARD_SIM_VERIFY_TOKEN; default: per run, or seeded)
  --control-token <s>         bearer token the control API /_sim/* requires (env SWITCHBOARD_SIM_CONTROL_TOKEN;
                              default: none on 127.0.0.1, generated and printed on any other --host)
  --print-secrets             also print the app secret and access tokens
  --json                      print the startup information as one JSON line
  -h, --help                  this help`;

function parseTraffic(value: string): number {
  const m = value.match(/^(\d+(?:\.\d+)?)\s*\/\s*(s|sec|m|min|h|hour)$/);
  if (!m) throw new Error(`--traffic must look like 20/min, got "${value}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'min';
  return unit.startsWith('s') ? n * 60 : unit.startsWith('h') ? n / 60 : n;
}

async function main(): Promise<void> {
  const env = process.env;
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: env.SWITCHBOARD_SIM_PORT ?? '4010' },
      host: { type: 'string', default: env.SWITCHBOARD_SIM_HOST ?? '127.0.0.1' },
      webhook: {
        type: 'string',
        multiple: true,
        default: env.SWITCHBOARD_SIM_WEBHOOKS?.split(',').filter(Boolean) ?? [],
      },
      ...(env.SWITCHBOARD_SIM_TRAFFIC
        ? { traffic: { type: 'string', default: env.SWITCHBOARD_SIM_TRAFFIC } }
        : { traffic: { type: 'string' } }),
      'traffic-model': { type: 'string', default: env.SWITCHBOARD_SIM_TRAFFIC_MODEL ?? 'poisson' },
      ...(env.SWITCHBOARD_SIM_SEED
        ? { seed: { type: 'string', default: env.SWITCHBOARD_SIM_SEED } }
        : { seed: { type: 'string' } }),
      'control-token': { type: 'string', default: env.SWITCHBOARD_SIM_CONTROL_TOKEN },
      'app-secret': { type: 'string' },
      'verify-token': { type: 'string' },
      'print-secrets': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const webhooks: Partial<Record<SimChannel, string>> = {};
  for (const spec of values.webhook ?? []) {
    const [channel, ...rest] = spec.split('=');
    const url = rest.join('=');
    if (!SIM_CHANNELS.includes(channel as SimChannel) || !/^https?:\/\//.test(url)) {
      throw new Error(
        `--webhook must look like messenger=http://127.0.0.1:3000/webhooks/messenger, got "${spec}"`,
      );
    }
    webhooks[channel as SimChannel] = url;
  }
  const port = Number(values.port);
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got "${values.port}"`);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new Error(`--seed must be an integer, got "${values.seed}"`);
  const model = values['traffic-model'];
  if (model !== 'poisson' && model !== 'sessions')
    throw new Error(`--traffic-model must be poisson or sessions, got "${model}"`);
  const sim = await startMetaSimulator({
    port,
    host: values.host ?? '127.0.0.1',
    ...(seed !== undefined ? { seed } : {}),
    ...(values['control-token'] ? { controlToken: values['control-token'] } : {}),
    webhooks,
    world: {
      ...((values['app-secret'] ?? env.SWITCHBOARD_SIM_APP_SECRET)
        ? { appSecret: values['app-secret'] ?? env.SWITCHBOARD_SIM_APP_SECRET }
        : {}),
      ...((values['verify-token'] ?? env.SWITCHBOARD_SIM_VERIFY_TOKEN)
        ? { verifyToken: values['verify-token'] ?? env.SWITCHBOARD_SIM_VERIFY_TOKEN }
        : {}),
    },
    ...(values.traffic ? { traffic: { perMinute: parseTraffic(values.traffic), model } } : {}),
  });
  const w = sim.world;
  const info: Record<string, unknown> = {
    url: sim.url,
    graphBaseUrl: sim.url,
    webhooks,
    verifyToken: w.app.verifyToken,
    ...(sim.controlToken ? { controlToken: sim.controlToken } : {}),
    world: publicWorld(w),
    ...(values['print-secrets']
      ? {
          secrets: {
            appSecret: w.app.secret,
            appToken: w.app.appToken,
            systemUserToken: w.systemUserToken,
            pageTokens: Object.fromEntries(w.pages.map((p) => [p.id, p.accessToken])),
            instagramTokens: Object.fromEntries(w.instagram.map((a) => [a.id, a.accessToken])),
          },
        }
      : {}),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
  } else {
    const lines = [
      `Meta simulator listening on ${sim.url}`,
      `  app id          ${w.app.id}`,
      `  verify token    ${w.app.verifyToken}`,
      ...w.pages.map(
        (p) => `  page            ${p.id}  ${p.name}${p.instagramId ? `  (instagram ${p.instagramId})` : ''}`,
      ),
      ...w.instagram.map(
        (a) => `  instagram       ${a.id}  @${a.username}${a.pageId ? '' : '  (Instagram Login)'}`,
      ),
      ...w.phoneNumbers.map((p) => `  whatsapp        ${p.id}  +${p.displayPhoneNumber}  (WABA ${p.wabaId})`),
      ...Object.entries(webhooks).map(([ch, url]) => `  webhook         ${ch} -> ${url}`),
      values.traffic
        ? `  traffic         ${values.traffic} per account`
        : '  traffic         off (POST /_sim/customer-sends or /_sim/traffic)',
      `  control         ${sim.url}/_sim/state`,
      ...(sim.controlToken
        ? [`  control token   ${sim.controlToken}  (Authorization: Bearer … on /_sim/*)`]
        : []),
      values['print-secrets']
        ? `  secrets         ${JSON.stringify(info.secrets)}`
        : '  secrets         app secret and tokens hidden (use --print-secrets, or GET /_sim/state?secrets=1)',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  const shutdown = () => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`switchboard-sim: ${(err as Error).message}\n`);
  process.exit(1);
});
