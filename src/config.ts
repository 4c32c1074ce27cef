import { statSync } from 'node:fs';
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

/** Digits only: `Number()` would take "0x10" as 16 and " " as 0. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** `DISCORD_SHARDS`: comma-separated shard ids (`0,1`); an issue names the first bad item. */
function parseShardList(raw: string, ctx: z.RefinementCtx): number[] | undefined {
  const ids: number[] = [];
  for (const item of raw.split(',').map((s) => s.trim())) {
    if (!/^\d{1,5}$/.test(item)) {
      ctx.addIssue({
        code: 'custom',
        message: `must be shard ids separated by commas, e.g. 0,1 (got "${item.slice(0, 20)}")`,
      });
      return undefined;
    }
    const id = Number(item);
    if (ids.includes(id)) {
      ctx.addIssue({ code: 'custom', message: `lists shard ${id} twice` });
      return undefined;
    }
    ids.push(id);
  }
  return ids;
}

/** Shards are chosen with both variables or neither, and every id is below the count. */
function checkShards(count: number | undefined, shards: number[] | undefined, ctx: z.RefinementCtx): void {
  if (count === undefined && shards !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DISCORD_SHARD_COUNT'],
      message: 'is required when DISCORD_SHARDS is set (the total number of shards over all instances)',
    });
  } else if (count !== undefined && shards === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['DISCORD_SHARDS'],
      message: `is required when DISCORD_SHARD_COUNT is set (this instance's shards, e.g. 0 or 0,1 up to ${count - 1})`,
    });
  } else if (count !== undefined && shards !== undefined && Number.isInteger(count) && count >= 1) {
    const outside = shards.filter((id) => id >= count);
    if (outside.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_SHARDS'],
        message: `shard ${outside.join(', ')} is outside 0..${count - 1} (DISCORD_SHARD_COUNT is ${count})`,
      });
    }
  }
}

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
    RATE_LIMIT_PER_MINUTE: wholeNumber(1, 10_000).default(30),
    DIGEST_GRACE_MINUTES: wholeNumber(0, 7 * 24 * 60).default(360),
    // 0 turns polling off.
    FEED_POLL_MINUTES: wholeNumber(0, 1440).default(30),
    DATABASE_URL: optionalString.refine((v) => {
      if (v === undefined) return true;
      try {
        const url = new URL(v);
        return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
      } catch {
        return false;
      }
    }, 'must be a PostgreSQL URL such as postgres://user:password@host:5432/database (SQLite in DATA_DIR when empty)'),
    // Decimals allowed (0.5 MB).
    CONTENT_MAX_FILE_MB: z
      .string()
      .trim()
      .regex(/^\d{1,4}(\.\d{1,3})?$/, 'must be a size in MB such as 5 or 0.5')
      .transform(Number)
      .pipe(z.number().positive('must be a size in MB above 0').max(1024, 'must be at most 1024'))
      .default(5),

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
    TELEGRAM_WEBHOOK_PORT: wholeNumber(0, 65_535).default(8080),
    TELEGRAM_WEBHOOK_HOST: optionalString
      .refine((v) => v === undefined || /^[A-Za-z0-9.:_-]+$/.test(v), 'must be a host name or IP address')
      .transform((v) => v ?? '0.0.0.0'),

    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: optionalString.refine(
      (v) => v === undefined || /^\d{15,22}$/.test(v),
      'must be the numeric application id',
    ),
    DISCORD_API_BASE: optionalUrl('e.g. http://127.0.0.1:8080/api').refine(
      (v) => v === undefined || !v.endsWith('/'),
      'must not end with a slash',
    ),
    DISCORD_SHARD_COUNT: optionalString.pipe(
      z.coerce
        .number<string>({ error: 'must be a whole number from 1 to 65535' })
        .int('must be a whole number from 1 to 65535')
        .min(1, 'must be a whole number from 1 to 65535')
        .max(65_535, 'must be a whole number from 1 to 65535')
        .optional(),
    ),
    DISCORD_SHARDS: optionalString.transform((v, ctx) =>
      v === undefined ? undefined : parseShardList(v, ctx),
    ),

    HTTP_PORT: optionalString.pipe(
      z.coerce
        .number<string>({ error: 'must be a port number from 0 to 65535' })
        .int('must be a port number from 0 to 65535')
        .min(0, 'must be a port number from 0 to 65535')
        .max(65_535, 'must be a port number from 0 to 65535')
        .optional(),
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
    checkShards(c.DISCORD_SHARD_COUNT, c.DISCORD_SHARDS, ctx);
    if (
      c.TELEGRAM_WEBHOOK_URL &&
      c.HTTP_PORT === c.TELEGRAM_WEBHOOK_PORT &&
      ['/healthz', '/readyz', '/metrics'].includes(URL.parse(c.TELEGRAM_WEBHOOK_URL)?.pathname ?? '')
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['TELEGRAM_WEBHOOK_URL'],
        message: 'its path must not be /healthz, /readyz or /metrics when the webhook shares HTTP_PORT',
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
  const parsed = configSchema.safeParse(withoutEmptyValues(env));
  const problems = parsed.success
    ? directoryProblems(parsed.data)
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
  if (problems.length === 0 && parsed.success) return parsed.data;
  throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/**
 * `NAME=` (as copied from .env.example) means "use the default", not "the empty string": an empty
 * port must not become port 0 (a random one), an empty zone must not fail as an unknown zone.
 */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value.trim() !== '') out[key] = value;
  return out;
}

/** The directories must be usable before anything is read or created in them. */
function directoryProblems(config: Config): string[] {
  const problems: string[] = [];
  const check = (name: 'CONTENT_DIR' | 'DATA_DIR', mayBeMissing: boolean) => {
    const dir = config[name];
    try {
      if (!statSync(dir).isDirectory()) problems.push(`${name}: ${dir} is a file, not a directory`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') problems.push(`${name}: ${dir} cannot be used (${code})`);
      else if (!mayBeMissing) problems.push(`${name}: ${dir} does not exist`);
    }
  };
  check('CONTENT_DIR', false);
  check('DATA_DIR', true); // created on first write
  return problems;
}
