import { z } from 'zod';

const Data = z.looseObject({
  app_id: z.string(),
  /** USER, PAGE, APP, SYSTEM_USER */
  type: z.string(),
  application: z.string(),
  is_valid: z.boolean(),
  issued_at: z.number().optional(),
  /** Epoch seconds; 0 = never expires. */
  expires_at: z.number(),
  /** Epoch seconds of the 90-day data-access expiry (user-derived tokens). */
  data_access_expires_at: z.number().optional(),
  scopes: z.array(z.string()),
  granular_scopes: z
    .array(z.looseObject({ scope: z.string(), target_ids: z.array(z.string()).optional() }))
    .optional(),
  user_id: z.string().optional(),
  profile_id: z.string().optional(),
  error: z
    .looseObject({
      code: z.number().optional(),
      message: z.string().optional(),
      subcode: z.number().optional(),
    })
    .optional(),
});

// For an invalid token Meta may omit app_id/type/application/expires_at/scopes: fill neutral values then, so a
// probe reads `is_valid: false` and the error instead of failing validation.
function fillInvalid(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const outer = value as { data?: unknown };
  const data = outer.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object' || data.is_valid !== false) return value;
  return {
    ...outer,
    data: { app_id: '', type: '', application: '', expires_at: 0, scopes: [], ...data },
  };
}

/**
 * Response of `GET /debug_token?input_token=<token>` called with the app token `${appId}|${appSecret}`
 * (reference §1.5), shared by the three adapters' token probes.
 *
 * @example
 * const { data } = await appGraph.get('/debug_token', DebugTokenResponse, { input_token: pageToken });
 * if (!data.data.is_valid) report('down', data.data.error?.message);
 */
export const DebugTokenResponse = z.preprocess(fillInvalid, z.looseObject({ data: Data }));
export type DebugTokenResponse = z.output<typeof DebugTokenResponse>;
