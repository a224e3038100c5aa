import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without declarations
import { collectApi, publishedEntries, REPORT_PATH, ROOT, renderReport } from '../scripts/api-report.mjs';

type Api = Record<string, Record<string, string[]>>;

/** The surface a user's TypeScript sees must be the committed report: a change of surface is deliberate. */
describe('public API report (api-report.md)', () => {
  let api: Api = {};
  beforeAll(() => {
    api = collectApi() as Api;
  });

  it('matches the built declarations (run `npm run api:report` when a change is deliberate)', () => {
    expect(renderReport(api), 'the public API changed: review it, then run `npm run api:report`').toBe(
      readFileSync(REPORT_PATH, 'utf8'),
    );
  });

  it("keeps core's internals off its root", () => {
    const root = Object.keys(api['@switchboard/core'] ?? {});
    for (const internal of [
      'orderForDispatch',
      'conversationOfEvent',
      'parseWith',
      'formatPath',
      'STATUS_RANK',
      'OUTBOX_STATE_RANK',
    ])
      expect(root, internal).not.toContain(internal);
    expect(root).toEqual(
      expect.arrayContaining(['createSwitchboard', 'ChannelAdapter', 'SwitchboardError', 'Ingress']),
    );
    expect(Object.keys(api['@switchboard/core/internal'] ?? {})).toContain('parseWith');
  });

  it("keeps meta-graph's mappers and the removed envelopes off its surface", () => {
    const names = Object.keys(api['@switchboard/meta-graph'] ?? {});
    for (const internal of [
      'parseEnvelope',
      'WhatsAppEnvelope',
      'graphMessageToEvent',
      'messengerPlatformKeys',
    ])
      expect(names, internal).not.toContain(internal);
  });

  // The declarations and the JavaScript of every entry agree: a value in the .d.ts exists at run time
  // in both builds, and nothing runs that the types do not declare.
  it.each(['import', 'require'] as const)('lists exactly the runtime values of every entry (%s)', (mode) => {
    const specifiers = (publishedEntries() as { specifier: string }[]).map((e) => e.specifier);
    const load = mode === 'import' ? 'await import(n)' : 'require(n)';
    const script = `const out = {};
for (const n of ${JSON.stringify(specifiers)}) {
  try { out[n] = Object.keys(${load}).sort(); } catch (e) { out[n] = String(e && e.message || e); }
}
process.stdout.write(JSON.stringify(out));`;
    const args = mode === 'import' ? ['--input-type=module', '-e', script] : ['-e', script];
    const runtime = JSON.parse(
      execFileSync(process.execPath, args, { cwd: `${ROOT}tests/packaging`, encoding: 'utf8' }),
    ) as Record<string, string[] | string>;
    for (const specifier of specifiers) {
      // The conformance suites are vitest test code: ESM only, they refuse `require` on purpose.
      if (mode === 'require' && specifier === '@switchboard/testkit/contracts') {
        expect(runtime[specifier]).toMatch(/use "import" instead/);
        continue;
      }
      const values = Object.entries(api[specifier] ?? {})
        .filter(([, kinds]) =>
          kinds.some((k) => ['const', 'function', 'class', 'enum', 'namespace'].includes(k)),
        )
        .map(([name]) => name)
        .sort();
      expect(runtime[specifier], specifier).toEqual(values);
    }
  });
});
