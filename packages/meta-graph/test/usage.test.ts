import { describe, expect, it } from 'vitest';
import { parseUsageHeaders } from '../src/index.js';

describe('parseUsageHeaders', () => {
  it('parses X-App-Usage and X-Page-Usage percentages', () => {
    const usage = parseUsageHeaders({
      'X-App-Usage': '{"call_count":28,"total_time":25,"total_cputime":12}',
      'x-page-usage': '{"call_count":3,"total_time":91,"total_cputime":1}',
    });
    expect(usage.app).toEqual({ callCount: 28, totalTime: 25, totalCputime: 12 });
    expect(usage.page).toEqual({ callCount: 3, totalTime: 91, totalCputime: 1 });
    expect(usage.maxPercent).toBe(91);
    expect(usage.retryAfterMs).toBeUndefined();
  });

  it('parses X-Business-Use-Case-Usage with estimated_time_to_regain_access in minutes → ms', () => {
    const headers = new Headers({
      'x-business-use-case-usage': JSON.stringify({
        '112233': [
          {
            type: 'pages',
            call_count: 100,
            total_cputime: 20,
            total_time: 30,
            estimated_time_to_regain_access: 5,
          },
          {
            type: 'messenger',
            call_count: 10,
            total_cputime: 1,
            total_time: 2,
            estimated_time_to_regain_access: 0,
          },
        ],
        '445566': [
          {
            type: 'instagram',
            call_count: 40,
            total_cputime: 9,
            total_time: 8,
            estimated_time_to_regain_access: 12,
          },
        ],
      }),
      'facebook-api-version': 'v24.0',
    });
    const usage = parseUsageHeaders(headers);
    expect(usage.business?.['112233']).toEqual([
      {
        type: 'pages',
        callCount: 100,
        totalCputime: 20,
        totalTime: 30,
        estimatedTimeToRegainAccessMs: 300_000,
      },
      { type: 'messenger', callCount: 10, totalCputime: 1, totalTime: 2, estimatedTimeToRegainAccessMs: 0 },
    ]);
    expect(usage.business?.['445566']?.[0]?.estimatedTimeToRegainAccessMs).toBe(720_000);
    expect(usage.retryAfterMs).toBe(720_000);
    expect(usage.maxPercent).toBe(100);
    expect(usage.apiVersion).toBe('v24.0');
  });

  it('parses X-Ad-Account-Usage keeping its own fields', () => {
    const usage = parseUsageHeaders({
      'x-ad-account-usage':
        '{"acc_id_util_pct":57.5,"reset_time_duration":0,"ads_api_access_tier":"standard_access"}',
    });
    expect(usage.adAccount).toMatchObject({ acc_id_util_pct: 57.5, ads_api_access_tier: 'standard_access' });
    expect(usage.maxPercent).toBe(57.5);
  });

  it('reads Retry-After in seconds or as an HTTP date, and keeps the longest delay', () => {
    expect(parseUsageHeaders({ 'retry-after': '30' }).retryAfterMs).toBe(30_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseUsageHeaders({ 'Retry-After': 'Thu, 01 Jan 2026 00:01:00 GMT' }, now).retryAfterMs).toBe(
      60_000,
    );
    const both = parseUsageHeaders({
      'retry-after': '600',
      'x-business-use-case-usage':
        '{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":2}]}',
    });
    expect(both.retryAfterMs).toBe(600_000);
  });

  it('ignores malformed values and returns nothing when no header is present', () => {
    expect(parseUsageHeaders({})).toEqual({});
    expect(
      parseUsageHeaders({ 'x-app-usage': 'not json', 'retry-after': 'soon', 'x-page-usage': '[1]' }),
    ).toEqual({});
    expect(parseUsageHeaders({ 'x-app-usage': ['{"call_count":5}'] }).app).toEqual({ callCount: 5 });
  });
});
