import { z } from 'zod';

const EntityError = z.looseObject({
  error_code: z.number().optional(),
  error_description: z.string().optional(),
  possible_solution: z.string().optional(),
});

/** `health_status` of a phone number (or WABA, business, app): the overall verdict is the worst entity's. */
export const HealthStatus = z.looseObject({
  can_send_message: z.string(),
  entities: z
    .array(
      z.looseObject({
        entity_type: z.string().optional(),
        id: z.string().optional(),
        can_send_message: z.string().optional(),
        errors: z.array(EntityError).optional(),
        additional_info: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
export type HealthStatus = z.infer<typeof HealthStatus>;

export const PHONE_NUMBER_FIELDS = [
  'id',
  'display_phone_number',
  'verified_name',
  'status',
  'quality_rating',
  'health_status',
  'whatsapp_business_manager_messaging_limit',
  'throughput',
  'name_status',
  'code_verification_status',
  'platform_type',
  'account_mode',
  'webhook_configuration',
].join(',');

export const PhoneNumberInfo = z.looseObject({
  id: z.string().optional(),
  display_phone_number: z.string().optional(),
  verified_name: z.string().optional(),
  status: z.string().optional(),
  quality_rating: z.string().optional(),
  health_status: HealthStatus.optional(),
  whatsapp_business_manager_messaging_limit: z.unknown().optional(),
  messaging_limit_tier: z.string().optional(),
  throughput: z.looseObject({ level: z.string().optional() }).optional(),
  name_status: z.string().optional(),
  code_verification_status: z.string().optional(),
  platform_type: z.string().optional(),
  account_mode: z.string().optional(),
  webhook_configuration: z
    .looseObject({
      phone_number: z.string().optional(),
      whatsapp_business_account: z.string().optional(),
      application: z.string().optional(),
    })
    .optional(),
});
export type PhoneNumberInfo = z.infer<typeof PhoneNumberInfo>;

export const SubscribedApps = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string().optional(),
      whatsapp_business_api_data: z
        .looseObject({ id: z.string().optional(), name: z.string().optional(), link: z.string().optional() })
        .optional(),
      override_callback_uri: z.string().optional(),
    }),
  ),
});
export type SubscribedApps = z.infer<typeof SubscribedApps>;
