import { distance } from 'fastest-levenshtein';
import { TopicMatcher } from '../content/topics.ts';
import type { TextLanguage } from '../text/language.ts';
import { fold, squash } from '../text/normalize.ts';
import type { Article, Topic } from '../types.ts';

/**
 * Whether an article is listed under a topic in a language, given whether its twin is listed
 * there too (of a story told in both languages, `latest` shows one).
 */
export type ShownBeside = (
  article: number,
  language: TextLanguage,
  twinListed: (twin: number) => boolean,
) => boolean;

/** Each topic's articles newest first, flat: topic k's are `members[starts[k]..starts[k+1]]`, topics in gazetteer order. */
export interface TopicMembers {
  starts: Uint32Array;
  members: Uint32Array;
}

/** A gazetteer topic with how many articles carry it. */
export interface TopicStat extends Topic {
  count: number;
}

/** A list of no articles (article lists are newest first, as article numbers). */
export const NO_ARTICLES = new Uint32Array(0);

type TopicNames = { byKey: Map<string, string>; names: { key: string; id: string }[] };

/**
 * The names of a gazetteer's topics, by its topics array: a reload that keeps the topic matcher
 * (the gazetteer unchanged) keeps its topics array, and the names are not analysed again.
 */
const namesOf = new WeakMap<readonly Topic[], TopicNames>();

function topicNames(topics: readonly Topic[]): TopicNames {
  const byKey = new Map<string, string>();
  const names: { key: string; id: string }[] = [];
  for (const t of topics) {
    for (const name of [
      t.id.replace(/-/g, ' '),
      t.name,
      t.name.replace(/\s*\(.*\)\s*/, ' '),
      ...(t.nameEs ? [t.nameEs, t.nameEs.replace(/\s*\(.*\)\s*/, ' ')] : []),
      ...t.aliases,
    ]) {
      const plain = name.replace(/^=/, '');
      const key = TopicMatcher.terms(plain).join(' ');
      if (key && !byKey.has(key)) byKey.set(key, t.id);
      const folded = squash(fold(plain));
      if (folded) names.push({ key: folded, id: t.id });
    }
  }
  return { byKey, names };
}

/**
 * Everything the engine knows about topics: which words name them, which articles carry them
 * (newest first, precomputed so `latest <topic>` is a slice), and which names are near a typo.
 */
export class TopicIndex {
  private readonly byId = new Map<string, TopicStat>();
  /** Stemmed alias sequence ("mexican", "lopez obrador") → topic id. */
  private readonly byKey: Map<string, string>;
  /** Folded names and aliases, for suggestions and "did you mean". */
  private readonly names: { key: string; id: string }[];
  /** Article indexes per topic, newest first. */
  private readonly members = new Map<string, Uint32Array>();
  /** Stories per topic and language, counted in one pass over the articles when first asked. */
  private readonly storyCounts = new Map<TextLanguage, Map<string, number>>();

  /** `members`: each topic's articles newest first, as `memberLists` gave them (made elsewhere). */
  constructor(
    topics: Topic[],
    private readonly articles: readonly Article[],
    newestFirst: Uint32Array,
    private readonly shown: ShownBeside,
    members?: TopicMembers,
  ) {
    for (const t of topics) this.byId.set(t.id, { ...t, count: 0 });
    let named = namesOf.get(topics);
    if (!named) {
      named = topicNames(topics);
      namesOf.set(topics, named);
    }
    this.byKey = named.byKey;
    this.names = named.names;
    if (members) this.takeMembers(members);
    else this.fillMembers(articles, newestFirst);
  }

  /** Every topic's articles, newest first, flat (for another thread to build this index without a pass over the articles). */
  memberLists(): TopicMembers {
    const stats = [...this.byId.values()];
    const starts = new Uint32Array(stats.length + 1);
    stats.forEach((t, k) => {
      starts[k + 1] = (starts[k] as number) + this.articlesOf(t.id).length;
    });
    const members = new Uint32Array(starts[stats.length] as number);
    stats.forEach((t, k) => {
      members.set(this.articlesOf(t.id), starts[k] as number);
    });
    return { starts, members };
  }

  /** Lists made elsewhere: only counted here, and served as views of the flat array. */
  private takeMembers({ starts, members }: TopicMembers): void {
    [...this.byId.values()].forEach((t, k) => {
      const list = members.subarray(starts[k] as number, starts[k + 1] as number);
      t.count = list.length;
      this.members.set(t.id, list);
    });
  }

  /**
   * Each topic's articles, newest first. This runs over every article at each start: the articles
   * are read once in their own order (in date order, a million of them scattered in memory took
   * seconds), their topics kept as numbers, and each list is then filled in date order from those
   * numbers, made at its final length.
   */
  private fillMembers(articles: readonly Article[], newestFirst: Uint32Array): void {
    const stats = [...this.byId.values()];
    const numberOf = new Map<string, number>(stats.map((t, k) => [t.id, k]));
    const n = articles.length;
    const start = new Uint32Array(n + 1);
    let numbers = new Uint32Array(n * 2 + 16);
    let used = 0;
    for (let i = 0; i < n; i++) {
      for (const id of (articles[i] as Article).topics) {
        const k = numberOf.get(id);
        if (k === undefined) continue;
        if (used === numbers.length) {
          const grown = new Uint32Array(used * 2);
          grown.set(numbers);
          numbers = grown;
        }
        numbers[used++] = k;
        (stats[k] as TopicStat).count++;
      }
      start[i + 1] = used;
    }
    const lists = stats.map((t) => new Uint32Array(t.count));
    const filled = new Uint32Array(stats.length);
    for (const i of newestFirst) {
      for (let j = start[i] as number; j < (start[i + 1] as number); j++) {
        const k = numbers[j] as number;
        (lists[k] as Uint32Array)[filled[k] as number] = i;
        filled[k] = (filled[k] as number) + 1;
      }
    }
    for (const [k, t] of stats.entries()) this.members.set(t.id, lists[k] as Uint32Array);
  }

  get(id: string): TopicStat | undefined {
    return this.byId.get(id);
  }

  /** The topic a text names exactly (id, name or alias; accents, case and plurals ignored). */
  resolve(text: string): TopicStat | undefined {
    const key = TopicMatcher.terms(text).join(' ');
    const id = this.byKey.get(key);
    return id ? this.byId.get(id) : undefined;
  }

  /** Article indexes carrying a topic, newest first. */
  articlesOf(id: string): Uint32Array {
    return this.members.get(id) ?? NO_ARTICLES;
  }

  /** How many stories `latest <topic>` lists in a language: an article and its twin once. */
  stories(id: string, language: TextLanguage): number {
    let counts = this.storyCounts.get(language);
    if (!counts) {
      counts = new Map([...this.byId.keys()].map((topic) => [topic, 0]));
      const { articles } = this;
      for (let i = 0; i < articles.length; i++) {
        for (const topic of (articles[i] as Article).topics) {
          const n = counts.get(topic);
          if (n === undefined) continue;
          if (this.shown(i, language, (twin) => (articles[twin] as Article).topics.includes(topic)))
            counts.set(topic, n + 1);
        }
      }
      this.storyCounts.set(language, counts);
    }
    return counts.get(id) ?? 0;
  }

  /** Topics with at least one article, most covered first. */
  stats(): TopicStat[] {
    return [...this.byId.values()]
      .filter((t) => t.count > 0)
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  }

  /**
   * Topics whose names are close to a mistyped or unknown one: small edit distance, or a name that
   * starts with what was typed. Only topics that have articles; best first.
   */
  nearest(text: string, limit = 3): TopicStat[] {
    const q = squash(fold(text));
    if (!q) return [];
    const best = new Map<string, number>();
    const tolerance = Math.max(1, Math.floor(q.length / 3));
    for (const { key, id } of this.names) {
      let d = distance(q, key);
      if (key.startsWith(q) && q.length >= 3) d = Math.min(d, 0.5);
      else if (q.length >= 4 && key.split(' ').some((w) => distance(q, w) <= tolerance - 1))
        d = Math.min(d, tolerance - 0.5);
      if (d <= tolerance && d < (best.get(id) ?? Number.POSITIVE_INFINITY)) best.set(id, d);
    }
    return [...best.entries()]
      .map(([id, d]) => ({ topic: this.byId.get(id) as TopicStat, d }))
      .filter(({ topic }) => topic.count > 0)
      .sort((a, b) => a.d - b.d || b.topic.count - a.topic.count)
      .slice(0, limit)
      .map(({ topic }) => topic);
  }

  /**
   * The topic a misspelt name surely means: one edit away for names of 5+ letters, two for 8+,
   * and no other topic as close. For "did you mean" applied without asking.
   */
  corrected(text: string): TopicStat | undefined {
    const q = squash(fold(text));
    const tolerance = q.length >= 8 ? 2 : q.length >= 5 ? 1 : 0;
    if (tolerance === 0) return undefined;
    let best: { id: string; d: number } | undefined;
    let tie = false;
    for (const { key, id } of this.names) {
      const d = distance(q, key);
      if (d > tolerance) continue;
      if (!best || d < best.d) {
        best = { id, d };
        tie = false;
      } else if (d === best.d && id !== best.id) tie = true;
    }
    const topic = best && !tie ? this.byId.get(best.id) : undefined;
    return topic && topic.count > 0 ? topic : undefined;
  }

  /** Topics with a name or alias starting with the prefix (at any word), most covered first. */
  withPrefix(prefix: string, limit: number): TopicStat[] {
    const p = squash(fold(prefix));
    if (!p) return this.stats().slice(0, limit);
    const rank = new Map<string, number>();
    for (const { key, id } of this.names) {
      const r = key.startsWith(p) ? 0 : key.includes(` ${p}`) ? 1 : -1;
      if (r >= 0 && r < (rank.get(id) ?? 2)) rank.set(id, r);
    }
    return [...rank.entries()]
      .map(([id, r]) => ({ topic: this.byId.get(id) as TopicStat, r }))
      .filter(({ topic }) => topic.count > 0)
      .sort((a, b) => a.r - b.r || b.topic.count - a.topic.count)
      .slice(0, limit)
      .map(({ topic }) => topic);
  }
}
