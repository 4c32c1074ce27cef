/**
 * The background poll `npm start` runs: every source every interval (each one's backoff
 * respected), one poll at a time, each logged. Stopping aborts the fetches in flight and waits for
 * the poll to record what it finished, so a shutdown never leaves a half-written file or state.
 */
import type { Logger } from '../logger.ts';
import type { PollOptions, PollReport } from './poll.ts';
import type { SourcesStore } from './state.ts';

export interface FeedPollerOptions {
  store: SourcesStore;
  contentDir: string;
  logger: Logger;
  intervalMs: number;
  /** Delay before the first poll, so start-up is not slowed by feeds. */
  firstDelayMs?: number;
  /** Called after a poll that wrote articles (reload the content now rather than on the next file event). */
  onArticles?: (report: PollReport) => void | Promise<void>;
  fetch?: PollOptions['fetch'];
}

export interface FeedPoller {
  /** Polls now (unless a poll is running, then waits for it); resolves with its report. */
  pollNow(): Promise<PollReport | undefined>;
  stop(): Promise<void>;
}

export function startFeedPoller(options: FeedPollerOptions): FeedPoller {
  const { store, contentDir, intervalMs, firstDelayMs = 5_000, onArticles } = options;
  const log = options.logger.child({ module: 'feeds' });
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PollReport | undefined> | undefined;
  let stopped = false;

  async function pollOnce(): Promise<PollReport | undefined> {
    try {
      // Loaded on the first poll: the feed and HTML parsers it needs are not start-up's business.
      const { pollSources } = await import('./poll.ts');
      const report = await pollSources({
        store,
        contentDir,
        logger: options.logger,
        signal: abort.signal,
        respectBackoff: true,
        intervalMs,
        fetch: options.fetch,
      });
      if (report.sources.length > 0) {
        const polled = report.sources.filter(
          (s) => s.status !== 'backoff' && s.status !== 'cancelled',
        ).length;
        log.info(
          {
            sources: report.sources.length,
            polled,
            added: report.added,
            updated: report.updated,
            failed: report.failed,
            ms: report.ms,
          },
          'feeds poll finished',
        );
      }
      if ((report.added > 0 || report.updated > 0) && onArticles && !stopped) await onArticles(report);
      return report;
    } catch (error) {
      if (!stopped) log.error({ err: error }, 'feeds poll failed');
      return undefined;
    }
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      const started = Date.now();
      void pollNow().finally(() => schedule(Math.max(0, intervalMs - (Date.now() - started))));
    }, delay);
    timer.unref?.();
  }

  function pollNow(): Promise<PollReport | undefined> {
    if (stopped) return Promise.resolve(undefined);
    running ??= pollOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  log.info({ everyMinutes: Math.round((intervalMs / 60_000) * 100) / 100 }, 'feed polling started');
  schedule(firstDelayMs);

  return {
    pollNow,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      abort.abort();
      await running;
    },
  };
}
