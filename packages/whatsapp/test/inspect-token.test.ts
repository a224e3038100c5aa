import { afterAll, expect, it } from 'vitest';
import { startWorld } from './sim.js';

let world: Awaited<ReturnType<typeof startWorld>> | undefined;
afterAll(() => world?.sim.stop());

it("inspectToken: a valid token is valid when the number's WABA is not configured (granular scopes name WABAs)", async () => {
  world = await startWorld({ wabaIds: [] });
  const inspection = await world.adapter.inspectToken?.(world.phone.id);
  expect(inspection?.valid).toBe(true);
  expect(inspection?.missingScopes).toBeUndefined();
});
