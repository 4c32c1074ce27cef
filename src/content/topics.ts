import { type Analysis, analyse, stem, words } from '../text/analyze.ts';
import type { Topic } from '../types.ts';
import type { GazetteerTopic } from './metadata.ts';

/** Texts longer than this need two mentions (or one in the title or a heading) to earn a topic. */
const LONG_TEXT = 3000;

interface Pattern {
  topic: string;
  terms: string[];
}

/**
 * Tags texts with gazetteer topics. Aliases are compared as stemmed word sequences, so accents,
 * case and plurals do not matter ("Mexicans", "MÉXICO"); aliases marked "=" match case-sensitively
 * as whole words ("=MAS" is the party, not "más").
 */
export class TopicMatcher {
  readonly topics: Topic[];
  /** The gazetteer entries it was made from (to make the same matcher on another thread). */
  readonly gazetteer: readonly GazetteerTopic[];
  private readonly byFirstTerm = new Map<string, Pattern[]>();
  /** Case-sensitive aliases: the literal text, and the pattern that finds it as a whole word. */
  private readonly exact: { topic: string; literal: string; pattern: RegExp }[] = [];
  private readonly exactByTerm = new Map<string, string>();
  private readonly parents = new Map<string, string[]>();

  constructor(gazetteer: GazetteerTopic[]) {
    this.gazetteer = gazetteer;
    this.topics = gazetteer.map(({ id, name, name_es, kind, aliases }) => ({
      id,
      name,
      ...(name_es ? { nameEs: name_es } : {}),
      kind,
      aliases,
    }));
    for (const t of gazetteer) {
      this.parents.set(t.id, t.within);
      for (const alias of [t.name, t.id.replace(/-/g, ' '), ...t.aliases]) {
        if (alias.startsWith('=')) {
          const escaped = alias.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          this.exact.push({
            topic: t.id,
            literal: alias.slice(1),
            pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu'),
          });
          const [term, ...more] = TopicMatcher.terms(alias.slice(1));
          if (term && more.length === 0) this.exactByTerm.set(term, t.id);
          continue;
        }
        const terms = TopicMatcher.terms(alias.replace(/\s*\(.*\)\s*/, ' '));
        const first = terms[0];
        if (!first) continue;
        const list = this.byFirstTerm.get(first) ?? [];
        if (!list.some((p) => p.topic === t.id && p.terms.join(' ') === terms.join(' '))) {
          list.push({ topic: t.id, terms });
        }
        this.byFirstTerm.set(first, list);
      }
    }
    for (const list of this.byFirstTerm.values()) list.sort((a, b) => b.terms.length - a.terms.length);
  }

  /** Stemmed words of a text, the unit aliases are matched in. */
  static terms(text: string): string[] {
    return words(text).map((w) => stem(w, 'en'));
  }

  /**
   * Where aliases occur in a sequence of stemmed words: the longest alias wins at each position.
   * With `loose`, case-sensitive aliases ("=MAS") match too, for queries people type in lowercase.
   */
  spans(terms: readonly string[], loose = false): { topic: string; from: number; to: number }[] {
    const out: { topic: string; from: number; to: number }[] = [];
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i] as string;
      const hit = this.byFirstTerm.get(term)?.find((p) => p.terms.every((t, k) => terms[i + k] === t));
      if (hit) {
        out.push({ topic: hit.topic, from: i, to: i + hit.terms.length });
        i += hit.terms.length - 1;
      } else if (loose) {
        const exact = this.exactByTerm.get(term);
        if (exact) out.push({ topic: exact, from: i, to: i + 1 });
      }
    }
    return out;
  }

  /** Mentions per topic id in a text; `analysis` may hand over the text's words already analysed. */
  count(text: string, analysis: (text: string) => Analysis = analyse): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const { topic } of this.spans(analysis(text).stems)) add(topic);
    for (const { topic, literal, pattern } of this.exact) {
      // Most texts lack the alias altogether: a plain search says so before the pattern runs.
      if (text.includes(literal)) for (const _ of text.matchAll(pattern)) add(topic);
    }
    return counts;
  }

  /**
   * Topic ids for an article, most salient first: mentions in the title count triple. Parent topics
   * (Oaxaca is within Mexico) are added after the topics that imply them.
   */
  tag(
    title: string,
    body: string,
    headings: string[] = [],
    declared: string[] = [],
    analysis: (text: string) => Analysis = analyse,
  ): string[] {
    const inTitle = this.count([title, ...headings].join('. '), analysis);
    const inBody = this.count(body, analysis);
    const long = body.length > LONG_TEXT;
    const score = new Map<string, number>();
    for (const id of declared) score.set(id, 100);
    for (const [id, n] of inTitle) score.set(id, (score.get(id) ?? 0) + 3 * n + (inBody.get(id) ?? 0));
    for (const [id, n] of inBody) {
      if (score.has(id)) continue;
      if (!long || n >= 2) score.set(id, n);
    }
    const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    const out: string[] = [];
    const visit = (id: string) => {
      if (out.includes(id)) return;
      out.push(id);
    };
    for (const id of ranked) visit(id);
    for (let i = 0; i < out.length; i++) {
      for (const parent of this.parents.get(out[i] as string) ?? []) visit(parent);
    }
    return out;
  }
}
