import { z } from 'zod';

/** A template as Graph reads it back (`GET /{WABA_ID}/message_templates`, `GET /{TEMPLATE_ID}`). */
export const GraphTemplate = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  name: z.string().min(1),
  language: z.string().min(1),
  status: z.string().min(1),
  category: z.string().min(1),
  sub_category: z.string().optional(),
  parameter_format: z.string().optional(),
  components: z.array(z.looseObject({ type: z.string() })).optional(),
  quality_score: z.looseObject({ score: z.string().optional() }).optional(),
  rejected_reason: z.string().optional(),
});
export type GraphTemplate = z.infer<typeof GraphTemplate>;

export const TemplateListResponse = z.looseObject({
  data: z.array(GraphTemplate),
  paging: z
    .looseObject({
      cursors: z.looseObject({ before: z.string().optional(), after: z.string().optional() }).optional(),
      next: z.string().optional(),
      previous: z.string().optional(),
    })
    .optional(),
});

export const CreateTemplateResponse = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  status: z.string().min(1),
  category: z.string().min(1),
});

export const SuccessResponse = z.looseObject({ success: z.boolean() });

/** The fields a list or get asks for: everything the cache and the send check use. */
export const TEMPLATE_FIELDS =
  'id,name,language,status,category,sub_category,parameter_format,components,quality_score,rejected_reason';
