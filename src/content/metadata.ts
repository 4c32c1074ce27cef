import { z } from 'zod';

/** Dates at the precision known: 2006-10-31, 2006-10 or 2006 (YAML may hand us a number). */
export const isoDate = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v instanceof Date ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'must be YYYY, YYYY-MM or YYYY-MM-DD')
    .superRefine((d, ctx) => {
      const problem = impossibleDate(d);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
);

/**
 * Why a well-formed YYYY-MM-DD is not a calendar date ("2024-02-30": February 2024 has 29 days),
 * or undefined. `Date` would roll it over to 1 March without a word.
 */
export function impossibleDate(date: string): string | undefined {
  if (date.length < 10) return undefined;
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!(m >= 1 && m <= 12)) return undefined;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d <= days) return undefined;
  const month = new Date(Date.UTC(y, m - 1, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' });
  return `is not a real date: ${month} ${y} has ${days} days`;
}

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag like en or es');
const topicId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase a-z, 0-9 and "-"');

export const sourceItemSchema = z.object({
  first: z.string().min(3),
  title: z.string().min(1).optional(),
  url: url.optional(),
  date: isoDate,
  dateSource: z.enum(['seen', 'inferred', 'estimate']),
  dateNote: z.string().optional(),
  language: language.optional(),
  twin: z.number().int().min(1).optional(),
});

export const sourceFileSchema = z.object({
  shape: z.enum(['teasers', 'titled-teasers', 'long-article']),
  source: z.string().min(1),
  listingUrl: url,
  listingNote: z.string().optional(),
  language: language.default('en'),
  drop: z.array(z.string().min(3)).default([]),
  items: z.array(sourceItemSchema).min(1),
});

/** content/sources.yaml: facts about the raw seed files that the text itself does not carry. */
export const sourcesSchema = z.object({ files: z.record(z.string(), sourceFileSchema) });

export type SourceFile = z.infer<typeof sourceFileSchema>;
export type SourceItem = z.infer<typeof sourceItemSchema>;

export const topicSchema = z.object({
  id: topicId,
  name: z.string().min(1),
  /** The name in Spanish, where it differs from `name`. */
  name_es: z.string().min(1).optional(),
  kind: z.enum(['country', 'place', 'person', 'organisation', 'movement', 'theme']),
  within: z.array(topicId).default([]),
  aliases: z.array(z.string().min(1)).default([]),
});

/** content/gazetteer.yaml: the topics people ask about and every word that names them. */
export const gazetteerSchema = z.object({ topics: z.array(topicSchema).min(1) });
export type GazetteerTopic = z.infer<typeof topicSchema>;

/** Front matter of a Markdown article dropped into content/. */
export const frontMatterSchema = z.object({
  title: z.string().trim().min(1).max(300),
  date: isoDate,
  dateSource: z.enum(['seen', 'inferred', 'estimate']).default('seen'),
  url,
  language: language.default('en'),
  topics: z.array(topicId).default([]),
  source: z.string().min(1).optional(),
  summary: z.string().min(1).optional(),
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 characters of A-Z a-z 0-9 _ -')
    .optional(),
  twin: z.string().optional(),
});
export type FrontMatter = z.infer<typeof frontMatterSchema>;

/** The first failing field of a zod error, as (field, reason) for a ContentError. */
export function firstIssue(error: z.ZodError, prefix = ''): { field: string; reason: string } {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  return { field: [prefix, path].filter(Boolean).join('.') || '(file)', reason: issue?.message ?? 'invalid' };
}
