/**
 * The composition root: reads configuration, loads content, and starts whichever platforms of
 * adapters/platforms.ts the configuration enables (Telegram and/or Discord when their tokens are
 * set), the local console otherwise.
 * Also the `briefings` executable's entry, adding `start` and each platform's subcommands to the
 * core CLI.
 */
import { mkdirSync } from 'node:fs';
import {
  type Briefings,
  backupCommand,
  type CliCommand,
  type CliIO,
  type Clock,
  type Config,
  ConfigError,
  createBriefings,
  createLogger,
  createSourcesChatHandler,
  createSubscriptions,
  enabledPlatforms,
  engineDigestSource,
  type FeedPoller,
  type FeedPollerOptions,
  type Logger,
  loadConfig,
  loadEngine,
  lockDataDir,
  migrateCommand,
  observeStore,
  openSourcesStore,
  openStore,
  type Platform,
  placeModels,
  runCli,
  type Scheduler,
  type Store,
  StoreError,
  sourcesCommand,
  startFeedPoller,
  startOperations,
  subscriptionsCommand,
  watchContent,
} from '../src/index.ts';
import { afterWaitingInput, DRAIN_MS, PlatformUnavailableError, settlesWithin } from './lifecycle.ts';
import { PLATFORMS } from './platforms.ts';

export interface AppOptions {
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Treat the console input as an interactive terminal (default: whether stdin is a TTY). */
  interactive?: boolean;
  /** Aborting it during start-up gives up at once (a signal while a platform is unreachable). */
  signal?: AbortSignal;
  /** Feed polling overrides (tests poll in milliseconds, not FEED_POLL_MINUTES). */
  feeds?: Partial<Pick<FeedPollerOptions, 'intervalMs' | 'firstDelayMs' | 'fetch'>>;
  /** The platforms to choose from (default: adapters/platforms.ts; tests add their own). */
  platforms?: readonly Platform[];
  /** Scheduler overrides (tests run it on a manual clock, or tick in milliseconds). */
  schedule?: { clock?: Clock; tickMs?: number };
  /** Quiet time after a content file event before reloading (tests shorten it). */
  contentDebounceMs?: number;
}

export interface App {
  config: Config;
  logger: Logger;
  briefings: Briefings;
  /** The HTTP_PORT server's port (health, readiness, metrics), when HTTP_PORT is set. */
  httpPort?: number;
  /** Resolves when the app has nothing left to do (the console's input ended) or was stopped. */
  done: Promise<void>;
  /** The feed poller, unless FEED_POLL_MINUTES is 0. */
  feeds?: FeedPoller;
  /** The scheduled posts' scheduler and the store it shares with the subscription commands. */
  scheduler: Scheduler;
  store: Store;
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
  const registry = options.platforms ?? PLATFORMS;
  const chosen = enabledPlatforms(registry, config);
  // HTTP_PORT: health, readiness and metrics, up before indexing so probes can watch the start-up.
  const ops =
    config.HTTP_PORT === undefined
      ? undefined
      : await startOperations({
          port: config.HTTP_PORT,
          logger,
          // Readiness waits for every platform that can disconnect (not the console).
          platforms: chosen.filter((p) => !p.fallback).map((p) => p.name),
          roles: registry.flatMap((p) => p.roles ?? []),
        });
  // Until the platforms run, a failed step (damaged or unreachable database, unreadable content)
  // closes what is already open.
  let store: Store | undefined;
  let unlock = () => {};
  const orStop = async <T>(step: () => T | Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      await store?.close();
      unlock();
      await ops?.stop();
      throw error;
    }
  };
  // SQLite: one bot per DATA_DIR (several instances share PostgreSQL instead).
  if (!config.DATABASE_URL)
    unlock = await orStop(() => {
      mkdirSync(config.DATA_DIR, { recursive: true });
      return lockDataDir(config.DATA_DIR);
    });
  // PostgreSQL when DATABASE_URL is set (shared by every instance), SQLite in DATA_DIR otherwise;
  // opened first, so an unusable database stops start-up before content is indexed.
  store = await orStop(() =>
    openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL, logger }),
  );
  const maxFileBytes = config.CONTENT_MAX_FILE_MB * 2 ** 20;
  const { engine, persist } = await orStop(() =>
    loadEngine({
      contentDir: config.CONTENT_DIR,
      dataDir: config.DATA_DIR,
      maxFileBytes,
      logger,
      deferWrite: true,
    }),
  );
  // A snapshot to write (after a first start, or changed files) is written once the bot is up;
  // stopping before then writes it (a restart would otherwise parse every file again), and
  // stopping waits for a write under way.
  let snapshotDue = () => {};
  const snapshotWritten = persist
    ? new Promise<void>((resolve) => {
        snapshotDue = resolve;
      }).then(persist)
    : undefined;
  let current = engine;
  const subscriptions = createSubscriptions({
    store,
    dataDir: config.DATA_DIR,
    defaultTimezone: config.DEFAULT_TIMEZONE,
    places: placeModels(registry),
    source: engineDigestSource(() => current),
    logger,
    clock: options.schedule?.clock,
    scheduler: {
      graceMs: config.DIGEST_GRACE_MINUTES * 60_000,
      ...(options.schedule?.tickMs ? { tickMs: options.schedule.tickMs } : {}),
      ...(ops ? { observer: ops.metrics.store } : {}),
    },
  });
  const sourcesStore = openSourcesStore({ dataDir: config.DATA_DIR });
  const briefings = createBriefings(engine, {
    subscriptions: subscriptions.handler,
    sources: createSourcesChatHandler({ store: sourcesStore, logger }),
    observer: ops?.metrics.queries,
  });
  ops?.serving({ briefings, store: subscriptions.store });
  // Articles dropped into CONTENT_DIR are indexed without a restart and alerted once.
  const watcher = watchContent({
    contentDir: config.CONTENT_DIR,
    dataDir: config.DATA_DIR,
    maxFileBytes,
    logger,
    current: engine,
    debounceMs: options.contentDebounceMs,
    snapshotWritten,
    onReload: async (reload) => {
      reload.engine.warm();
      current = reload.engine;
      briefings.setEngine(reload.engine);
      await subscriptions.scheduler.contentChanged();
    },
  });
  // Scheduled posts still waiting on a platform when stopping are aborted after DRAIN_MS.
  const publishing = new AbortController();
  const closeSubscriptions = async () => {
    const closing = subscriptions.close();
    if (!(await settlesWithin(closing, DRAIN_MS))) {
      logger.warn('a scheduled post is still waiting on its platform; abandoning it');
      publishing.abort();
    }
    await closing;
    unlock(); // the database is closed: another bot may now use DATA_DIR
  };
  // Everything stops together, each part within its own bound (see lifecycle.ts), so shutdown stays
  // under SHUTDOWN_DEADLINE_MS even when every platform hangs.
  const running: Running[] = [
    { stop: closeSubscriptions },
    { stop: () => watcher.close() },
    {
      stop: async () => {
        snapshotDue();
        await snapshotWritten;
      },
    },
  ];
  // Feed articles are written into CONTENT_DIR; reloading right after a poll beats waiting for file events.
  const pollMs = options.feeds?.intervalMs ?? config.FEED_POLL_MINUTES * 60_000;
  const feeds =
    pollMs > 0
      ? startFeedPoller({
          store: sourcesStore,
          contentDir: config.CONTENT_DIR,
          logger,
          intervalMs: pollMs,
          firstDelayMs: options.feeds?.firstDelayMs,
          fetch: options.feeds?.fetch,
          onArticles: async () => {
            await watcher.reload();
          },
        })
      : undefined;
  if (feeds) running.push(feeds);
  if (ops) running.push({ stop: () => ops.stop() });
  const { scheduler } = subscriptions;
  let markStopped = () => {};
  const stopped = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  let done = stopped;

  try {
    // Every platform the configuration enables (or the console when none is), in registry order;
    // each loads its library only now, so the console starts fast and needs neither.
    const input = options.input ?? process.stdin;
    const io = {
      input,
      output: options.output ?? process.stdout,
      interactive: options.interactive ?? Boolean((input as NodeJS.ReadStream).isTTY),
      locale: env.LANG?.split('.')[0],
    };
    const observed = observeStore(subscriptions.store, ops?.metrics.store);
    for (const platform of chosen) {
      const started = await platform.start({
        config,
        briefings,
        logger,
        store: observed,
        signal: options.signal,
        publishing: publishing.signal,
        http: ops?.server,
        io,
      });
      running.push(started);
      if (started.connected) ops?.platformStarted(platform.name, started.connected, started.roles);
      if (started.done) done = Promise.race([started.done, stopped]);
      scheduler.setPublisher(platform.name, started.publisher, platform.pace);
    }
    // The scheduler's first pass over the catalogue (a database write per article) and the
    // scorer's parts take a while at a large archive: a request that came with the start is
    // answered first.
    await afterWaitingInput();
    await scheduler.start();
    // What the engine makes on first use is made now, while nobody waits, not on the first search.
    setImmediate(() => {
      current.warm();
      snapshotDue();
    });
  } catch (error) {
    await Promise.allSettled(running.map((r) => r.stop()));
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const results = await Promise.allSettled(running.map((r) => r.stop()));
      for (const r of results)
        if (r.status === 'rejected') logger.error({ err: r.reason }, 'error while stopping');
      logger.info('stopped');
      markStopped();
    })();
    return stopping;
  };
  return {
    config,
    logger,
    briefings,
    done,
    feeds,
    scheduler,
    store: subscriptions.store,
    stop,
    ...(ops ? { httpPort: ops.server.port } : {}),
  };
}

/**
 * SIGTERM/SIGINT end the process within this bound whatever the platforms do. Stopping normally
 * takes at most about DRAIN_MS + 2 s (see lifecycle.ts); past this, the process exits with code 1
 * and says so, rather than hang. A second signal exits at once.
 */
const SHUTDOWN_DEADLINE_MS = 9_000;
/** After a clean stop, how long lingering sockets or timers may keep the process alive. */
const EXIT_GRACE_MS = 1_000;

const startCommand: CliCommand = {
  name: 'start',
  usage: 'start',
  description: 'run the bot (console chat when no platform token is set)',
  async run(_args, io) {
    const starting = new AbortController();
    let app: App | undefined;
    let signals = 0;
    const shutdown = (signal: NodeJS.Signals) => {
      signals++;
      const log = app?.logger ?? signalLogger(io.env);
      if (signals > 1) {
        log.warn({ signal }, 'second signal: exiting at once');
        process.exit(1);
      }
      log.info({ signal }, 'shutting down');
      setTimeout(() => {
        log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown did not finish in time; exiting anyway');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      starting.abort();
      void app?.stop();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
    try {
      app = await startApp({ env: io.env, signal: starting.signal });
    } catch (error) {
      if (!starting.signal.aborted) {
        // A start-up failure must end the process even if a library left a socket open.
        exitSoon(error instanceof ConfigError ? 2 : 1);
        throw error;
      }
      io.stderr('Stopped before start-up completed.\n');
      exitSoon(0);
      return 0;
    }
    if (starting.signal.aborted) void app.stop();
    await app.done;
    await app.stop();
    exitSoon(0, app.logger);
    return 0;
  },
};

/** The logger for a signal that arrives before the app (and its logger) exists. */
function signalLogger(env: NodeJS.ProcessEnv): Logger {
  try {
    return createLogger(env.LOG_LEVEL || 'info');
  } catch {
    return createLogger('info');
  }
}

/**
 * Anything still holding the event loop after a stop (a socket or timer a library keeps) must not
 * keep the process alive: exit with `code` after EXIT_GRACE_MS unless it ended by itself.
 */
function exitSoon(code: number, logger?: Logger) {
  setTimeout(() => {
    logger?.warn('stopped, but something kept the process alive; exiting');
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

/** Entry point of `bin/briefings.js`. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const io: CliIO = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  };
  try {
    return await runCli(argv, io, [
      startCommand,
      subscriptionsCommand,
      backupCommand,
      sourcesCommand,
      migrateCommand,
      // Platform subcommands, e.g. `discord:register`.
      ...PLATFORMS.flatMap((platform) => platform.commands ?? []),
    ]);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError) {
      io.stderr(`${error.message}\n`);
      return 2;
    }
    if (error instanceof PlatformUnavailableError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
