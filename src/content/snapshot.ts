/**
 * The start-up snapshot in DATA_DIR: the parsed content and the binary index in one file, read
 * with one read. Articles are not revived from JSON one by one: the fields every start needs (id,
 * date, language, topics, twin, number of sections) are columns; the rest of each article (title,
 * texts, sections, links) stays in the file's bytes and is decoded the first time it is asked for.
 * The file also keeps what a later load needs to skip unchanged work: each content file's size,
 * modification time and text hash with the articles it gave, and the modification time of every
 * directory of the content tree (a file added, removed or renamed changes its directory's time),
 * and what the engine works out from the articles before its first answer (`Engine.derivedBytes`).
 * Checksums cover the whole file: a truncated or damaged snapshot is refused, never half-read. A
 * start checks all but the articles' cold bytes (a third of a 100,000-article start went into
 * checksumming them); those are checked by the worker that states the content files right after
 * (watch.ts), which reloads when they are damaged, and meanwhile an article whose bytes do not
 * decode is served from its hot fields instead of failing.
 */
import { closeSync, fstatSync, open, read, readFile, readSync } from 'node:fs';
import { open as openHandle } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { inSlices } from '../slices.ts';
import type { Article, Passage } from '../types.ts';
import type { ContentProblem } from './errors.ts';
import type { GazetteerTopic } from './metadata.ts';
import type { FileEntry, ParseCache } from './read.ts';

export const SNAPSHOT_FILE = 'snapshot.bin';
/** Bump when the layout changes. */
const SNAPSHOT_FORMAT = 1;
const MAGIC = Buffer.from('BRIEFSNP');

/** A stat of one file the whole content depends on (the gazetteer, sources.yaml); null when absent. */
export type FileStamp = [file: string, size: number, mtimeMs: number] | [file: string, null, null];

export interface SnapshotHeader {
  format: number;
  /** Cache keys: content parsing (context of the parse cache) and index format. */
  context: string;
  indexFormat: string;
  fingerprint: string;
  dirs: string[];
  dirTimes: number[];
  stamps: FileStamp[];
  gazetteer: GazetteerTopic[];
  /** Problems of the content, except future dates (worked out on each start). */
  problems: ContentProblem[];
  count: number;
  /** `derived` and `checks` are absent from the snapshots of versions before them (they still load). */
  sections: Record<Exclude<SectionName, 'derived' | 'checks'>, [offset: number, length: number]> & {
    derived?: [offset: number, length: number];
    checks?: [offset: number, length: number];
  };
}

/**
 * `checks`: two more checksums, covered by the one of everything outside the cold section, so a
 * start can leave the file table unread (see `readSnapshotFile`): one of everything outside the
 * cold section, the file table and itself, and one of the file table.
 */
type SectionName = 'hot' | 'files' | 'coldOffsets' | 'cold' | 'index' | 'derived' | 'checks';

/** The fields read at every start, one array per field. */
interface Hot {
  ids: string[];
  dates: string[];
  languages: string[];
  topics: string[][];
  sections: number[];
  twins: (string | null)[];
}

/** The rest of an article, decoded on first use. */
interface Cold {
  title: string;
  titleSource: Article['titleSource'];
  summary: string;
  /** Left out when equal to the summary (most listing items). */
  body?: string;
  passages?: Passage[];
  url: string;
  urlKind: Article['urlKind'];
  datePrecision: Article['datePrecision'];
  dateSource: Article['dateSource'];
  dateNote?: string;
  source: string;
  file: string;
}

/** Per content file: name, size, modification time, text hash, first article, article count, problems. */
type FileRow = [string, number, number, string, number, number, ContentProblem[]];

const NO_PASSAGES: Passage[] = Object.freeze([]) as unknown as Passage[];
const DAMAGED: Cold = {
  title: '',
  titleSource: 'derived',
  summary: '',
  url: 'about:blank',
  urlKind: 'listing',
  datePrecision: 'day',
  dateSource: 'estimate',
  source: '',
  file: '',
};

/**
 * Where stored articles read their cold fields from. A start reads the snapshot without its cold
 * section (two thirds of the file): `bytes` is then the file's full length with that range left
 * unread, and each article's bytes are read from the open file when first asked for. The writer
 * replaces the file by renaming, so the open file keeps the bytes this snapshot was read from.
 */
class Store {
  /** Articles whose cold bytes are in `bytes` (all of them when the whole file was read). */
  private readonly present?: Uint8Array;

  constructor(
    /** Fingerprint of the content the snapshot holds. */
    readonly fingerprint: string,
    readonly bytes: Buffer,
    private readonly offsets: Uint32Array,
    private readonly base: number,
    private readonly fd?: number,
  ) {
    if (fd !== undefined) {
      this.present = new Uint8Array(offsets.length - 1);
      closeWhenUnused.register(this, fd);
    }
  }

  coldBytes(n: number): Buffer {
    const from = this.base + (this.offsets[n] as number);
    const to = this.base + (this.offsets[n + 1] as number);
    if (this.present && this.present[n] === 0) {
      readSync(this.fd as number, this.bytes, from, to - from, from);
      this.present[n] = 1;
    }
    return this.bytes.subarray(from, to);
  }

  /** Reads every article's cold bytes at once (before copying them all into a new snapshot). */
  readAll(): void {
    const { present } = this;
    if (!present || present.every((p) => p === 1)) return;
    const from = this.base;
    const to = this.base + (this.offsets[this.offsets.length - 1] as number);
    readSync(this.fd as number, this.bytes, from, to - from, from);
    present.fill(1);
  }

  cold(n: number, id: string): Cold {
    try {
      const cold = JSON.parse(this.coldBytes(n).toString('utf8')) as Cold;
      if (typeof cold.title === 'string' && typeof cold.summary === 'string') return cold;
    } catch {
      // Damaged or unreadable bytes: see the module comment.
    }
    return { ...DAMAGED, title: id, file: `${id} (damaged snapshot)` };
  }
}

/** The snapshot file a start keeps open for its articles' texts is closed once they are unused. */
const closeWhenUnused = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
});

/**
 * An article read from a snapshot: the fields every start touches are its own, the others are
 * decoded from the snapshot's bytes on first access. Behaves as an `Article`; `plainArticle`
 * (read.ts) copies one into a plain object (for JSON or another thread).
 */
class StoredArticle implements Article {
  id: string;
  publishedAt: string;
  language: string;
  topics: string[];
  twinOf?: string;
  readonly #store: Store;
  readonly #n: number;
  readonly #sections: number;
  #cold?: Cold;
  #passages?: Passage[];

  constructor(store: Store, n: number, hot: Hot) {
    this.#store = store;
    this.#n = n;
    this.id = hot.ids[n] as string;
    this.publishedAt = hot.dates[n] as string;
    this.language = hot.languages[n] as string;
    this.topics = hot.topics[n] as string[];
    this.#sections = hot.sections[n] as number;
    const twin = hot.twins[n];
    if (twin) this.twinOf = twin;
  }

  private get cold(): Cold {
    this.#cold ??= this.#store.cold(this.#n, this.id);
    return this.#cold;
  }

  /** Number of sections, known without decoding them (see `passageCount` in search/documents.ts). */
  get passageCount(): number {
    return this.#sections;
  }

  /** Position in its snapshot, and the fingerprint of the content that snapshot holds. */
  stored(): { fingerprint: string; at: number } {
    return { fingerprint: this.#store.fingerprint, at: this.#n };
  }

  /** The store this article reads from (to read all of a store's texts at once). */
  get store(): Store {
    return this.#store;
  }

  /** The stored bytes of the cold fields, copied as they are into the next snapshot. */
  coldBytes(): Buffer {
    return this.#store.coldBytes(this.#n);
  }

  get title() {
    return this.cold.title;
  }
  get titleSource() {
    return this.cold.titleSource;
  }
  get summary() {
    return this.cold.summary;
  }
  get body() {
    return this.cold.body ?? this.cold.summary;
  }
  /** Sections whose texts are decoded on first access: indexing counts them at every start. */
  get passages(): Passage[] {
    if (this.#sections === 0) return NO_PASSAGES;
    this.#passages ??= Array.from({ length: this.#sections }, (_, k) => {
      const at = () => this.cold.passages?.[k] ?? { heading: '', text: '' };
      return {
        get heading() {
          return at().heading;
        },
        get text() {
          return at().text;
        },
      } as Passage;
    });
    return this.#passages;
  }
  get url() {
    return this.cold.url;
  }
  get urlKind() {
    return this.cold.urlKind;
  }
  get datePrecision() {
    return this.cold.datePrecision;
  }
  get dateSource() {
    return this.cold.dateSource;
  }
  get dateNote() {
    return this.cold.dateNote;
  }
  get source() {
    return this.cold.source;
  }
  get file() {
    return this.cold.file;
  }

  toJSON(): Article {
    return { ...this, ...this.cold, body: this.body, passages: this.cold.passages ?? [] };
  }
}

/**
 * For an article read from a snapshot: where it sits there (and so in the list of an engine
 * loaded from it) and the fingerprint of that snapshot's content; undefined for others.
 */
export function snapshotPosition(a: Article): { fingerprint: string; at: number } | undefined {
  return a instanceof StoredArticle ? a.stored() : undefined;
}

function coldOf(a: Article): Cold {
  return {
    title: a.title,
    titleSource: a.titleSource,
    summary: a.summary,
    ...(a.body !== a.summary ? { body: a.body } : {}),
    ...(a.passages.length ? { passages: a.passages } : {}),
    url: a.url,
    urlKind: a.urlKind,
    datePrecision: a.datePrecision,
    dateSource: a.dateSource,
    ...(a.dateNote !== undefined ? { dateNote: a.dateNote } : {}),
    source: a.source,
    file: a.file,
  };
}

const align = (n: number) => (n + 7) & ~7;

export interface SnapshotParts {
  context: string;
  indexFormat: string;
  fingerprint: string;
  dirs: string[];
  dirTimes: number[];
  stamps: FileStamp[];
  gazetteer: readonly GazetteerTopic[];
  problems: ContentProblem[];
  articles: readonly Article[];
  files: ParseCache['files'];
  index: Uint8Array;
  /** What the engine worked out from the articles (`Engine.derivedBytes`). */
  derived?: Uint8Array;
}

/** Articles (or files) a step of `snapshotPieces` handles: about a millisecond's work at most. */
const STEP = 2_000;
/** Bytes a step checksums and writes at most. */
const CRC_STEP = 8 * 2 ** 20;
/** Bytes of the cold section made before they are written (see `snapshotPieces`). */
const COLD_PIECE = 4 * 2 ** 20;
const EMPTY = Buffer.alloc(0);

/**
 * The snapshot file, piece by piece in file order, with a pause (`undefined`) after each step of a
 * millisecond or so: a start writes it on the serving thread (`writeSnapshotFile`). No buffer
 * holds the whole file (1.2 GB at a million articles): the cold section, two thirds of it, is made
 * in pieces before the header that gives its length, the rest is written as it is made.
 */
export function* snapshotPieces(parts: SnapshotParts): Generator<Uint8Array | undefined> {
  const { articles } = parts;
  const column = <T>(pick: (a: Article) => T) => jsonArray(articles, pick);
  // `JSON.stringify(hot)`, column by column.
  let hotJson = '{';
  for (const [name, pick] of [
    ['ids', (a: Article) => a.id],
    ['dates', (a: Article) => a.publishedAt],
    ['languages', (a: Article) => a.language],
    ['topics', (a: Article) => a.topics],
    ['sections', (a: Article) => a.passages.length],
    ['twins', (a: Article) => a.twinOf ?? null],
  ] as const) {
    hotJson += `${hotJson === '{' ? '' : ','}${JSON.stringify(name)}:${yield* column(pick as (a: Article) => unknown)}`;
  }
  hotJson += '}';
  // A file's parse is kept when its articles are served as parsed, side by side; otherwise
  // (a duplicate id dropped, a twin link added) the file is parsed again next time.
  const position = new Map<Article, number>();
  for (let i = 0; i < articles.length; i++) {
    position.set(articles[i] as Article, i);
    if (i % STEP === STEP - 1) yield;
  }
  const rows: FileRow[] = [];
  for (const [file, entry] of parts.files) {
    const first = entry.articles.length ? position.get(entry.articles[0] as Article) : 0;
    if (first === undefined || entry.articles.some((a, k) => position.get(a) !== first + k)) continue;
    rows.push([file, entry.size, entry.mtimeMs, entry.hash, first, entry.articles.length, entry.problems]);
    if (rows.length % STEP === 0) yield;
  }
  const rowsJson = yield* jsonArray(rows, (row) => row);
  const stores = new Set<Store>();
  for (const a of articles) if (a instanceof StoredArticle) stores.add(a.store);
  for (const store of stores) store.readAll();
  // Cold fields: a stored article's bytes as they are, another's as JSON, written at once into
  // pieces of about COLD_PIECE bytes. Outside the heap: a million articles' JSON held as strings
  // took a first start's heap past its limit.
  const cold: Buffer[] = [];
  const coldOffsets = new Uint32Array(articles.length + 1);
  let piece = Buffer.allocUnsafe(COLD_PIECE);
  let used = 0;
  for (let i = 0; i < articles.length; i++) {
    const a = articles[i] as Article;
    const bytes = a instanceof StoredArticle ? a.coldBytes() : JSON.stringify(coldOf(a));
    const length = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
    if (used + length > piece.length) {
      if (used > 0) cold.push(piece.subarray(0, used));
      piece = Buffer.allocUnsafe(Math.max(COLD_PIECE, length));
      used = 0;
    }
    if (typeof bytes === 'string') piece.write(bytes, used);
    else piece.set(bytes, used);
    used += length;
    coldOffsets[i + 1] = (coldOffsets[i] as number) + length;
    if (i % STEP === STEP - 1) yield;
  }
  if (used > 0) cold.push(piece.subarray(0, used));
  const hot = Buffer.from(hotJson);
  const files = Buffer.from(rowsJson);
  const lengths: Record<SectionName, number> = {
    hot: hot.length,
    files: files.length,
    coldOffsets: coldOffsets.byteLength,
    cold: coldOffsets[articles.length] as number,
    index: parts.index.length,
    derived: parts.derived?.length ?? 0,
    checks: 8,
  };
  const sections = {} as Required<SnapshotHeader['sections']>;
  let size = 0;
  for (const name of ['hot', 'files', 'coldOffsets', 'cold', 'index', 'derived', 'checks'] as const) {
    sections[name] = [size, lengths[name]];
    size = align(size + lengths[name]);
  }
  const header: SnapshotHeader = {
    format: SNAPSHOT_FORMAT,
    context: parts.context,
    indexFormat: parts.indexFormat,
    fingerprint: parts.fingerprint,
    dirs: parts.dirs,
    dirTimes: parts.dirTimes,
    stamps: parts.stamps,
    gazetteer: [...parts.gazetteer],
    problems: parts.problems,
    count: articles.length,
    sections,
  };
  const json = Buffer.from(JSON.stringify(header));
  const start = align(MAGIC.length + 4 + json.length);
  // The checksums: of the cold section, of the rest (the padding between sections too), and in
  // `checks`, of the file table and of the rest but the file table.
  let outside = 0;
  let inCold = 0;
  let inFiles = 0;
  let rest = 0;
  let written = 0;
  /** The piece, checksummed, after `written` is brought to `at` with zeros. */
  function* emit(
    bytes: Uint8Array,
    at: number,
    part: 'cold' | 'files' | 'checks' | 'rest' = 'rest',
  ): Generator<Uint8Array | undefined> {
    if (at > written) {
      const pad = new Uint8Array(at - written);
      outside = crc32(pad, outside);
      rest = crc32(pad, rest);
      yield pad;
    }
    for (let from = 0; from < bytes.length; from += CRC_STEP) {
      const piece = bytes.subarray(from, Math.min(from + CRC_STEP, bytes.length));
      if (part === 'cold') inCold = crc32(piece, inCold);
      else outside = crc32(piece, outside);
      if (part === 'files') inFiles = crc32(piece, inFiles);
      if (part === 'rest') rest = crc32(piece, rest);
      yield piece;
    }
    written = at + bytes.length;
  }
  const head = Buffer.alloc(MAGIC.length + 4 + json.length);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(json.length, MAGIC.length);
  json.copy(head, MAGIC.length + 4);
  yield* emit(head, 0);
  const at = (name: SectionName) => start + sections[name][0];
  yield* emit(hot, at('hot'));
  yield* emit(files, at('files'), 'files');
  yield* emit(new Uint8Array(coldOffsets.buffer), at('coldOffsets'));
  // The cold section, each piece released once written.
  for (let k = 0, to = at('cold'); k < cold.length; k++) {
    const bytes = cold[k] as Buffer;
    cold[k] = EMPTY;
    yield* emit(bytes, to, 'cold');
    to += bytes.length;
  }
  yield* emit(parts.index, at('index'));
  yield* emit(parts.derived ?? EMPTY, at('derived'));
  // Padding before `checks` is the rest's: it is emitted before the checksums are taken.
  yield* emit(EMPTY, at('checks'));
  const checks = Buffer.alloc(8);
  checks.writeUInt32LE(rest, 0);
  checks.writeUInt32LE(inFiles, 4);
  yield* emit(checks, at('checks'), 'checks');
  // Up to the checksums, padded as the other sections.
  yield* emit(new Uint8Array(0), start + size);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(outside, 0);
  trailer.writeUInt32LE(inCold, 4);
  yield trailer;
}

/**
 * Writes the snapshot to `file` as `snapshotPieces` makes it, in slices (see `inSlices`), so a bot
 * answers meanwhile.
 */
export async function writeSnapshotFile(file: string, parts: SnapshotParts): Promise<void> {
  const handle = await openHandle(file, 'w');
  try {
    await inSlices(snapshotPieces(parts), 2, async (piece) => {
      for (let done = 0; done < piece.length; )
        done += (await handle.write(piece, done, piece.length - done)).bytesWritten;
    });
  } finally {
    await handle.close();
  }
}

/** `JSON.stringify(items.map(pick))`, a step at a time. */
function* jsonArray<T>(items: readonly T[], pick: (item: T) => unknown): Generator<undefined, string> {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i += STEP) {
    parts.push(JSON.stringify(items.slice(i, i + STEP).map(pick)).slice(1, -1));
    yield;
  }
  return `[${parts.join(',')}]`;
}

/**
 * What `readSnapshotFile` left in the file `fd` rather than read into the bytes: the articles'
 * cold bytes (read on demand) and, with `filesUnread`, the file table (read and checked by
 * `parseCache`); and the hot columns it parsed while the rest was read.
 */
interface PartialRead {
  fd?: number;
  hot?: Hot;
  filesUnread?: boolean;
}

/** A snapshot read back: its header, and the content, parse cache and index it holds. */
export interface Snapshot {
  header: SnapshotHeader;
  articles: Article[];
  /** The parse cache of the content files, for a load that found some of them changed. */
  parseCache(): ParseCache;
  index: Uint8Array;
  /** `SnapshotParts.derived`; empty in a snapshot written before it was kept. */
  derived: Uint8Array;
}

function coldRange(start: number, sections: SnapshotHeader['sections']): [number, number] {
  const [offset, length] = sections.cold;
  return [start + offset, start + offset + length];
}

/** CRC-32 of everything but the cold section and the two checksums at the end. */
function checksumOutsideCold(bytes: Buffer, coldFrom: number, coldTo: number): number {
  return crc32(bytes.subarray(coldTo, bytes.length - 8), crc32(bytes.subarray(0, coldFrom)));
}

/**
 * Reads a snapshot's bytes; throws on anything but a whole snapshot of this format whose
 * checksums hold (with `verifyAll`, the articles' cold bytes too; see the module comment).
 * `partial`: what `readSnapshotFile` left out of `bytes` (see `PartialRead`).
 */
export function decodeSnapshot(bytes: Buffer, verifyAll = false, partial: PartialRead = {}): Snapshot {
  const { fd } = partial;
  let filesUnread = partial.filesUnread ?? false;
  if (bytes.length < MAGIC.length + 12 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    throw new Error('not a snapshot');
  const jsonLength = bytes.readUInt32LE(MAGIC.length);
  if (MAGIC.length + 4 + jsonLength > bytes.length - 8) throw new Error('snapshot truncated');
  const header = JSON.parse(
    bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + jsonLength),
  ) as SnapshotHeader;
  if (header.format !== SNAPSHOT_FORMAT) throw new Error(`snapshot format ${header.format}`);
  const start = align(MAGIC.length + 4 + jsonLength);
  const section = (name: SectionName): Buffer => {
    const [offset, length] = header.sections[name] ?? [0, 0];
    if (start + offset + length > bytes.length - 8) throw new Error('snapshot truncated');
    return bytes.subarray(start + offset, start + offset + length);
  };
  section('index');
  const [coldFrom, coldTo] = coldRange(start, header.sections);
  if (coldTo > bytes.length - 8) throw new Error('snapshot truncated');
  const at = (name: SectionName) => start + (header.sections[name]?.[0] ?? 0);
  const checks = section('checks');
  const filesTo = at('files') + header.sections.files[1];
  // With the file table unread, the checksum of all but the table, from `checks`.
  const whole = filesUnread
    ? crc32(
        bytes.subarray(coldTo, at('checks')),
        crc32(bytes.subarray(filesTo, coldFrom), crc32(bytes.subarray(0, at('files')))),
      ) === checks.readUInt32LE(0)
    : checksumOutsideCold(bytes, coldFrom, coldTo) === bytes.readUInt32LE(bytes.length - 8);
  if (!whole) throw new Error('snapshot damaged (checksum)');
  if (verifyAll && crc32(bytes.subarray(coldFrom, coldTo)) !== bytes.readUInt32LE(bytes.length - 4))
    throw new Error('snapshot damaged (checksum of article texts)');
  // Hot columns parsed while the rest was read are used only now that the checksum holds.
  const hot = partial.hot ?? (JSON.parse(section('hot').toString('utf8')) as Hot);
  const offsetsBytes = section('coldOffsets');
  const aligned = offsetsBytes.byteOffset % 4 === 0 ? offsetsBytes : Buffer.from(offsetsBytes);
  const offsets = new Uint32Array(aligned.buffer, aligned.byteOffset, header.count + 1);
  const store = new Store(
    header.fingerprint,
    bytes,
    offsets,
    start + (header.sections.cold[0] as number),
    fd,
  );
  const articles: Article[] = new Array(header.count);
  for (let n = 0; n < header.count; n++) articles[n] = new StoredArticle(store, n, hot);
  let tableDamaged = false;
  return {
    header,
    articles,
    index: section('index'),
    derived: section('derived'),
    parseCache() {
      const table = section('files');
      if (filesUnread) {
        filesUnread = false;
        try {
          readInto(fd as number, table, at('files'));
          tableDamaged = crc32(table) !== checks.readUInt32LE(4);
        } catch {
          tableDamaged = true;
        }
      }
      // A damaged file table costs parsing every file again, not the start.
      if (tableDamaged) return { context: header.context, files: new Map() };
      const rows = JSON.parse(table.toString('utf8')) as FileRow[];
      const files = new Map<string, FileEntry>();
      for (const [file, size, mtimeMs, hash, first, count, problems] of rows)
        files.set(file, { size, mtimeMs, hash, articles: articles.slice(first, first + count), problems });
      return { context: header.context, files };
    },
  };
}

/**
 * Reads the snapshot in `file` (throws as `decodeSnapshot` does; ENOENT when there is none). With
 * `verifyAll` the whole file is read and checked; otherwise the articles' cold bytes are left in
 * the file and read on demand (see `Store`), which saves reading two thirds of it at start-up.
 * Opening waits off the main thread: whatever the path is (a pipe, a slow disk), the bot stays live.
 */
export async function readSnapshotFile(file: string, verifyAll = false): Promise<Snapshot> {
  const fd = await openFile(file, 'r');
  let keep = false;
  try {
    const stat = fstatSync(fd);
    if (verifyAll || !stat.isFile()) return decodeSnapshot(await readWhole(fd), verifyAll);
    const size = stat.size;
    const bytes = Buffer.allocUnsafe(size);
    const readRange = (from: number, to: number) => readInto(fd, bytes.subarray(from, to), from);
    const head = MAGIC.length + 4;
    if (size < head + 12) {
      readRange(0, size);
      return decodeSnapshot(bytes);
    }
    readRange(0, head);
    const jsonEnd = head + bytes.readUInt32LE(MAGIC.length);
    if (!bytes.subarray(0, MAGIC.length).equals(MAGIC) || jsonEnd > size - 8) {
      readRange(head, size);
      return decodeSnapshot(bytes);
    }
    readRange(head, jsonEnd);
    let coldFrom = size;
    let coldTo = size;
    let hotFrom = jsonEnd;
    let hotTo = jsonEnd;
    let filesFrom = size;
    let filesTo = size;
    try {
      const header = JSON.parse(bytes.toString('utf8', head, jsonEnd)) as SnapshotHeader;
      const start = align(jsonEnd);
      [coldFrom, coldTo] = coldRange(start, header.sections);
      const [offset, length] = header.sections.hot;
      hotFrom = start + offset;
      hotTo = hotFrom + length;
      if (header.sections.checks) {
        filesFrom = start + header.sections.files[0];
        filesTo = filesFrom + header.sections.files[1];
      }
    } catch {
      // Not a header: decodeSnapshot says why.
    }
    if (!(coldFrom >= jsonEnd && coldFrom <= coldTo && coldTo <= size - 8)) coldFrom = coldTo = size;
    if (!(jsonEnd <= hotFrom && hotFrom <= hotTo && hotTo <= coldFrom)) hotFrom = hotTo = jsonEnd;
    // The file table (the parse cache) is left in the file too, when it has a checksum of its own
    // (see `checks`) and the file stays open: a start that finds its content unchanged never
    // needs it (about 100 MB at a million articles).
    const skipFiles = coldFrom < coldTo && hotTo <= filesFrom && filesFrom <= filesTo && filesTo <= coldFrom;
    if (!skipFiles) filesFrom = filesTo = hotTo;
    // The hot section first; its JSON is parsed while the rest is read on libuv's threads (at
    // 100k, a fifth of a second spent mostly faulting in fresh pages), and trusted only once
    // decodeSnapshot has checked the whole.
    readRange(jsonEnd, hotTo);
    const rest = Promise.all([
      readRangeAsync(fd, bytes, hotTo, filesFrom),
      readRangeAsync(fd, bytes, filesTo, coldFrom),
      readRangeAsync(fd, bytes, coldTo, size),
    ]);
    let hot: Hot | undefined;
    try {
      if (hotTo > hotFrom) hot = JSON.parse(bytes.toString('utf8', hotFrom, hotTo)) as Hot;
    } catch {
      // Damaged: the checksum says so.
    }
    await rest;
    const snapshot = decodeSnapshot(bytes, false, {
      ...(coldFrom < coldTo ? { fd } : {}),
      ...(hot ? { hot } : {}),
      filesUnread: skipFiles,
    });
    keep = coldFrom < coldTo;
    return snapshot;
  } finally {
    if (!keep) closeSync(fd);
  }
}

const openFile = promisify(open);
const readAt = promisify(read);

/** Fills `bytes` from offset `at` of `fd`. */
function readInto(fd: number, bytes: Uint8Array, at: number): void {
  for (let done = 0; done < bytes.length; ) {
    const n = readSync(fd, bytes, done, bytes.length - done, at + done);
    if (n === 0) throw new Error('snapshot truncated');
    done += n;
  }
}

/** Reads `bytes[from, to)` from the same offsets of `fd`, off the main thread. */
async function readRangeAsync(fd: number, bytes: Buffer, from: number, to: number): Promise<void> {
  for (let at = from; at < to; ) {
    const { bytesRead } = await readAt(fd, bytes, at, to - at, at);
    if (bytesRead === 0) throw new Error('snapshot truncated');
    at += bytesRead;
  }
}

const readWhole = promisify((fd: number, done: (error: Error | null, data: Buffer) => void) =>
  readFile(fd, done),
);
