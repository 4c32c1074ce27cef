/**
 * The core's public face: everything under adapters/ imports the core through this file and
 * nothing deeper (tests/unit/layering.test.ts fails otherwise). It is a deliberate list, not
 * `export *`: what a front end needs, then what the composition root (adapters/main.ts) wires up.
 * Anything not named here is the core's own business and may change without touching a platform.
 */

// ── What the composition root wires up ──────────────────────────────────────────────────────
export { type CliCommand, type CliIO, runCli } from './cli.ts';
// ── What a front end needs ──────────────────────────────────────────────────────────────────
/** Commands in, replies out. */
export type {
  ChatContext,
  ChatTarget,
  Command,
  ManageAction,
  RequestContext,
  ResolvedChannel,
  SubscribeOptions,
} from './commands/command.ts';
export { type Briefings, cardMeta, createBriefings, parseCommand } from './commands/index.ts';
/** Shared services a platform uses: configuration, logs, per-user rate limits, one-of-many roles. */
export { type Config, ConfigError, loadConfig } from './config.ts';
export { loadEngine } from './content/load.ts';
export { watchContent } from './content/watch.ts';
export { startOperations } from './http/index.ts';
/** The message catalogue: the words front ends put around answers, in the reader's language. */
export { type Chrome, chromeFor } from './i18n/chrome.ts';
export { type Translate, translator, uiLanguage } from './i18n/index.ts';
export { type PauseReason, pauseReasonText } from './i18n/subscriptions.ts';
export { createLogger, type Logger } from './logger.ts';
/** The Platform port and how scheduled posts leave through it. */
export {
  enabledPlatforms,
  type PlaceModel,
  type PlaceModelOf,
  type Platform,
  type PlatformContext,
  type PlatformLimits,
  placeModels,
  type RunningPlatform,
} from './platform.ts';
export { createRateLimiter, type RateLimiter } from './rate-limit.ts';
export { renderText } from './render-text.ts';
export type {
  ArticleReply,
  ArticleView,
  Card,
  CardsReply,
  HelpReply,
  ManagedSubscription,
  NoticeReply,
  Reply,
  Suggestion,
  TopicsReply,
} from './reply.ts';
export { subscriptionsCommand } from './schedule/cli.ts';
export { createConsolePublisher } from './schedule/console-publisher.ts';
export { type Clock, createSubscriptions, engineDigestSource } from './schedule/index.ts';
export type { PaceLimits } from './schedule/pace.ts';
export {
  PublishError,
  type PublishErrorKind,
  type Publisher,
  type PublishOptions,
} from './schedule/publisher.ts';
export type { Scheduler } from './schedule/scheduler.ts';
export {
  createSourcesChatHandler,
  type FeedPoller,
  type FeedPollerOptions,
  openSourcesStore,
  sourcesCommand,
  startFeedPoller,
} from './sources/index.ts';
export { backupCommand } from './store/cli.ts';
export { lockDataDir } from './store/data-dir-lock.ts';
export { startElection } from './store/election.ts';
export { migrateCommand } from './store/migrate-cli.ts';
export { observeStore } from './store/observe.ts';
export { openStore } from './store/open.ts';
export { StoreError } from './store/sqlite.ts';
export type { Store } from './store/types.ts';
export type { PlatformName } from './types.ts';
