/**
 * The composition root: reads configuration, loads content, and starts whichever front ends are
 * configured: Telegram and/or Discord when their tokens are set, the local console otherwise.
 * Also the `briefings` executable's entry, adding `start` and `discord:register` to the core CLI.
 */
import { parseArgs } from 'node:util';
import { type CliCommand, type CliIO, runCli } from '../src/cli.ts';
import { type Briefings, createBriefings } from '../src/commands/index.ts';
import { type Config, ConfigError, loadConfig } from '../src/config.ts';
import { loadEngine } from '../src/content/load.ts';
import { watchContent } from '../src/content/watch.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { subscriptionsCommand } from '../src/schedule/cli.ts';
import { createConsolePublisher, createSubscriptions, engineDigestSource } from '../src/schedule/index.ts';
import { startConsole } from './console/index.ts';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Treat the console input as an interactive terminal (default: whether stdin is a TTY). */
  interactive?: boolean;
}

export interface App {
  config: Config;
  logger: Logger;
  briefings: Briefings;
  /** Resolves when the app has nothing left to do (the console's input ended) or was stopped. */
  done: Promise<void>;
  stop(): Promise<void>;
}

interface Running {
  stop(): Promise<void>;
}

/** Starts the bot the way `npm start` does. Throws ConfigError on invalid configuration. */
export async function startApp(options: AppOptions = {}): Promise<App> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const maxFileBytes = config.CONTENT_MAX_FILE_MB * 2 ** 20;
  const { engine } = await loadEngine({
    contentDir: config.CONTENT_DIR,
    dataDir: config.DATA_DIR,
    maxFileBytes,
    logger,
  });
  let current = engine;
  const subscriptions = createSubscriptions({
    dataDir: config.DATA_DIR,
    defaultTimezone: config.DEFAULT_TIMEZONE,
    source: engineDigestSource(() => current),
    logger,
  });
  const briefings = createBriefings(engine, { subscriptions: subscriptions.handler });
  // Articles dropped into CONTENT_DIR are indexed without a restart and alerted once.
  const watcher = watchContent({
    contentDir: config.CONTENT_DIR,
    dataDir: config.DATA_DIR,
    maxFileBytes,
    logger,
    current: engine,
    onReload: async (reload) => {
      current = reload.engine;
      briefings.setEngine(reload.engine);
      await subscriptions.scheduler.contentChanged();
    },
  });
  // Stopped last (stops run in reverse): the platforms finish before the scheduler and database close.
  const running: Running[] = [{ stop: () => subscriptions.close() }, { stop: () => watcher.close() }];
  const { scheduler } = subscriptions;
  let markStopped = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  let done = stopped;

  try {
    // Platform libraries load only when used: the console starts fast and needs neither.
    if (config.TELEGRAM_BOT_TOKEN) {
      const { startTelegram } = await import('./telegram/index.ts');
      const { createTelegramSchedulePublisher } = await import('./telegram/schedule-publisher.ts');
      running.push(await startTelegram({ config, briefings, logger }));
      scheduler.setPublisher(
        'telegram',
        createTelegramSchedulePublisher({
          token: config.TELEGRAM_BOT_TOKEN,
          apiRoot: config.TELEGRAM_API_ROOT,
          logger,
        }),
      );
    }
    if (config.DISCORD_TOKEN) {
      const { startDiscord } = await import('./discord/index.ts');
      const { createDiscordSchedulePublisher } = await import('./discord/schedule-publisher.ts');
      running.push(await startDiscord({ config, briefings, logger }));
      scheduler.setPublisher(
        'discord',
        createDiscordSchedulePublisher({
          token: config.DISCORD_TOKEN,
          apiBase: config.DISCORD_API_BASE,
          logger,
        }),
      );
    }
    if (!config.TELEGRAM_BOT_TOKEN && !config.DISCORD_TOKEN) {
      const input = options.input ?? process.stdin;
      const interactive = options.interactive ?? Boolean((input as NodeJS.ReadStream).isTTY);
      const session = startConsole({
        briefings,
        logger,
        input,
        output: options.output ?? process.stdout,
        interactive,
        locale: env.LANG?.split('.')[0],
      });
      running.push(session);
      done = Promise.race([session.done, stopped]);
      const output = options.output ?? process.stdout;
      scheduler.setPublisher(
        'console',
        createConsolePublisher((text) => output.write(text)),
      );
    }
    await scheduler.start();
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const results = await Promise.allSettled(running.reverse().map((r) => r.stop()));
      for (const r of results)
        if (r.status === 'rejected') logger.error({ err: r.reason }, 'error while stopping');
      logger.info('stopped');
      markStopped();
    })();
    return stopping;
  };
  return { config, logger, briefings, done, stop };
}

const startCommand: CliCommand = {
  name: 'start',
  usage: 'start',
  description: 'run the bot (console chat when no platform token is set)',
  async run(_args, io) {
    const app = await startApp({ env: io.env });
    const shutdown = (signal: string) => {
      app.logger.info({ signal }, 'shutting down');
      void app.stop();
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    await app.done;
    await app.stop();
    return 0;
  },
};

const discordRegisterCommand: CliCommand = {
  name: 'discord:register',
  usage: 'discord:register [--guild <id>]',
  description: 'register the slash commands (guild: instant; global otherwise)',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { guild: { type: 'string' } } });
    const config = loadConfig(io.env);
    if (!config.DISCORD_TOKEN) {
      io.stderr('DISCORD_TOKEN: is required to register commands (with DISCORD_APPLICATION_ID)\n');
      return 2;
    }
    const logger = createLogger(io.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn');
    const { engine } = await loadEngine({
      contentDir: config.CONTENT_DIR,
      dataDir: config.DATA_DIR,
      maxFileBytes: config.CONTENT_MAX_FILE_MB * 2 ** 20,
      logger,
    });
    const { registerCommands } = await import('./discord/index.ts');
    const report = await registerCommands({
      config,
      briefings: createBriefings(engine),
      logger,
      guildId: values.guild,
    });
    io.stdout(`${report.summary}\n`);
    return 0;
  },
};

/** Entry point of `bin/briefings.js`. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const io: CliIO = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
  try {
    return await runCli(argv, io, [startCommand, discordRegisterCommand, subscriptionsCommand]);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
