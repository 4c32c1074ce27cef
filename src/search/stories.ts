import { Lru } from './lru.ts';

/** One posting list to count: its documents, and the term and field it belongs to. */
export interface CountedList {
  docs: Uint32Array;
  term: number;
  field: number;
}

/** Terms whose title and text lists hold this many postings are counted from a story bitset. */
const STORY_SET_FROM = 1024;
/** Story bitsets kept (a bit per article each: 12.5 KB at 100k articles). */
const STORY_SET_CACHE_SIZE = 128;

/**
 * Exact totals: the distinct stories (an article and its twin once, sections with their article)
 * in a union of posting lists. A long term's stories are a bitset made on its first use, so a
 * common word's total is an OR of a few thousand words instead of a pass over every posting;
 * short lists are marked posting by posting into the same bitset.
 */
export class StoryCounter {
  /** Scratch: the union being counted, always left cleared. */
  private readonly union: Uint32Array;
  private readonly sets = new Lru<number, Uint32Array>(STORY_SET_CACHE_SIZE);

  constructor(
    /** Each document's story (the lower article number of an article and its twin). */
    private readonly docStory: Int32Array,
    articleCount: number,
    /** The title and text lists of a term (the fields a term's story set covers). */
    private readonly termLists: (term: number) => readonly Uint32Array[],
    /** The field whose lists are never covered by a term's set (topics). */
    private readonly topicsField: number,
  ) {
    this.union = new Uint32Array(Math.ceil(articleCount / 32));
  }

  count(lists: readonly CountedList[]): number {
    const { union, docStory } = this;
    const short: CountedList[] = [];
    const merged = new Set<number>();
    let total = 0;
    for (const l of lists) {
      const set = l.field === this.topicsField ? undefined : this.storySet(l.term);
      if (!set) short.push(l);
      else if (!merged.has(l.term)) {
        merged.add(l.term);
        for (let w = 0; w < set.length; w++) union[w] = (union[w] as number) | (set[w] as number);
      }
    }
    if (merged.size > 0) for (let w = 0; w < union.length; w++) total += popcount(union[w] as number);
    for (const { docs } of short) {
      for (let i = 0; i < docs.length; i++) {
        const st = docStory[docs[i] as number] as number;
        const word = st >>> 5;
        const bit = 1 << (st & 31);
        if (((union[word] as number) & bit) === 0) {
          union[word] = (union[word] as number) | bit;
          total++;
        }
      }
    }
    if (merged.size > 0 || total > union.length) union.fill(0);
    else
      for (const { docs } of short)
        for (let i = 0; i < docs.length; i++) union[(docStory[docs[i] as number] as number) >>> 5] = 0;
    return total;
  }

  /** A long term's stories as a bitset (made on first use), or undefined for a short one. */
  private storySet(term: number): Uint32Array | undefined {
    const cached = this.sets.get(term);
    if (cached) return cached;
    const lists = this.termLists(term);
    let length = 0;
    for (const docs of lists) length += docs.length;
    if (length < STORY_SET_FROM) return undefined;
    const set = new Uint32Array(this.union.length);
    for (const docs of lists) {
      for (let i = 0; i < docs.length; i++) {
        const st = this.docStory[docs[i] as number] as number;
        set[st >>> 5] = (set[st >>> 5] as number) | (1 << (st & 31));
      }
    }
    this.sets.set(term, set);
    return set;
  }
}

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
