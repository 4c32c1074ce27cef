/**
 * Feed sources: the archive grows from publishers' RSS, Atom and JSON feeds. Each new item becomes
 * a Markdown article under CONTENT_DIR/feeds/<source>/, so indexing, briefings and alerts work as
 * for hand-written files. State (sources, fetch state, item → article map) is DATA_DIR/sources.json.
 */
export { createSourcesChatHandler } from './chat.ts';
export { sourcesCommand } from './cli.ts';
export { FeedFetchError, fetchFeed } from './fetch.ts';
export type { PollReport, SourceReport } from './poll.ts';
export { type FeedPoller, type FeedPollerOptions, startFeedPoller } from './poller.ts';
export { openSourcesStore, type Source, type SourcesStore } from './state.ts';
