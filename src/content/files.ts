/** Names and limits of the content directory, shared by reading it and by the start-up snapshot. */

export const SOURCES_FILE = 'sources.yaml';
export const GAZETTEER_FILE = 'gazetteer.yaml';
/** Where feed articles go inside CONTENT_DIR (see src/sources/poll.ts). */
export const FEEDS_DIR = 'feeds';
/** Default cap on one content file: far above any article, far below what stalls a start-up. */
export const DEFAULT_MAX_FILE_BYTES = 5 * 2 ** 20;
/** Bump when Article records or their parsing change, so cached parses are not reused. */
export const CONTENT_FORMAT = 4;
