import { describe, expect, it } from 'vitest';
import { only, parseFixture } from './helpers.js';

describe('messaging_handovers and standby fixtures', () => {
  it('a pass from an idle thread: previous owner null, app ids as strings whatever Meta sent', () => {
    expect(only('handover-pass-from-idle', 'handover')).toMatchObject({
      action: 'pass_thread_control',
      previousOwnerAppId: null,
      newOwnerAppId: '1048573296213421',
      metadata: 'idle thread requested',
      userId: '6571349092893521',
    });
  });

  it('standby items carry standby: true, a standby postback without payload included', () => {
    const events = parseFixture('standby-message');
    expect(events.map((e) => e.kind)).toEqual(['message', 'read', 'postback']);
    for (const e of events) expect(e).toMatchObject({ standby: true });
  });
});
