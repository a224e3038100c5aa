import type { ChannelAdapter, HealthProbe, HealthProbeResult } from '../adapter.js';
import type { Clock } from '../clock.js';
import type { AlarmType } from './alarms.js';

const PROBE_TIMEOUT_MS = 10_000;

/** Runs one probe with a timeout on the engine clock; a throw or a timeout becomes a `down` result. */
export async function runProbeSafely(probe: HealthProbe, clock: Clock): Promise<HealthProbeResult> {
  const fallback = (reason: string): HealthProbeResult => ({
    probe: probe.name,
    status: 'down',
    reason,
    ...(probe.accountId ? { accountId: probe.accountId } : {}),
    checkedAt: clock.now(),
  });
  let cancel = () => {};
  const timeout = new Promise<HealthProbeResult>((resolve) => {
    cancel = clock.setTimeout(
      () => resolve(fallback(`probe did not answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([probe.run(), timeout]);
  } catch (error) {
    return fallback(`probe threw: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    cancel();
  }
}

/** Which alarm a probe's verdict feeds: `<channel>.subscription` → subscription, `<channel>.token` → token. */
export function alarmTypeOfProbe(name: string): AlarmType {
  const suffix = name.slice(name.lastIndexOf('.') + 1);
  if (suffix === 'subscription') return 'subscription';
  if (suffix === 'token') return 'token';
  return 'probe';
}

/** True when a subscription probe says the app is not subscribed at all (the case `resubscribe` fixes). */
export function isUnsubscribed(result: HealthProbeResult): boolean {
  return alarmTypeOfProbe(result.probe) === 'subscription' && result.status !== 'ok';
}

/** Runs every probe of an adapter (concurrently). */
export async function runAdapterProbes(adapter: ChannelAdapter, clock: Clock): Promise<HealthProbeResult[]> {
  let probes: HealthProbe[];
  try {
    probes = adapter.probes();
  } catch (error) {
    return [
      {
        probe: `${adapter.channel}.probes`,
        status: 'down',
        reason: `probes() threw: ${error instanceof Error ? error.message : String(error)}`,
        checkedAt: clock.now(),
      },
    ];
  }
  return Promise.all(probes.map((p) => runProbeSafely(p, clock)));
}
