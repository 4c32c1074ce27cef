import { config as loadDotenv } from 'dotenv';
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = (what: string) =>
  optionalString.refine(
    (v) => v === undefined || /^(https?|wss?):\/\/[^\s]+$/.test(v),
    `must be an http(s) URL (${what})`,
  );

const isTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Every environment variable the bot reads, in one place. `.env.example` documents each. */
export const configSchema = z
  .object({
    CONTENT_DIR: z.string().trim().min(1).default('./content'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEFAULT_TIMEZONE: z
      .string()
      .trim()
      .default('UTC')
      .refine(isTimeZone, 'must be an IANA time zone name such as Europe/Madrid'),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
    CONTENT_MAX_FILE_MB: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
      z.coerce.number().positive('must be a size in MB above 0').max(1024).default(5),
    ),

    TELEGRAM_BOT_TOKEN: optionalString.refine(
      (v) => v === undefined || /^\d+:[A-Za-z0-9_-]{20,}$/.test(v),
      'must look like 123456:ABC-DEF… as given by @BotFather',
    ),
    TELEGRAM_API_ROOT: optionalUrl('e.g. http://127.0.0.1:8081').refine(
      (v) => v === undefined || !v.endsWith('/'),
      'must not end with a slash',
    ),
    TELEGRAM_WEBHOOK_URL: optionalUrl('the public https URL Telegram posts updates to'),
    TELEGRAM_WEBHOOK_SECRET: optionalString.refine(
      (v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v),
      'must be 1-256 characters of A-Z a-z 0-9 _ -',
    ),
    TELEGRAM_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),

    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString.refine(
      (v) => v === undefined || /^\d{15,22}$/.test(v),
      'must be the numeric application id',
    ),
    DISCORD_API_BASE: optionalUrl('e.g. http://127.0.0.1:8080/api').refine(
      (v) => v === undefined || !v.endsWith('/'),
      'must not end with a slash',
    ),
  })
  .superRefine((c, ctx) => {
    if (c.DISCORD_TOKEN && !c.DISCORD_APPLICATION_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_APPLICATION_ID'],
        message: 'is required when DISCORD_TOKEN is set',
      });
    }
    if (c.TELEGRAM_WEBHOOK_URL && !c.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_SECRET'],
        message: 'is required when TELEGRAM_WEBHOOK_URL is set (Telegram signs every update with it)',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** Raised for invalid configuration; the message names each bad variable and why. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads `.env` (if present) under the real environment, validates, and fails fast with every
 * problem listed as `NAME: reason`. Values are never echoed, since some are secrets.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, { dotenv = true } = {}): Config {
  if (dotenv) loadDotenv({ quiet: true, processEnv: env as Record<string, string> });
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}
