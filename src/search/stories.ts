import { Lru } from './lru.ts';

/** One posting list to count: its documents, and the term and field it belongs to. */
export interface CountedList {
  docs: Uint32Array;
  term: number;
  field: number;
}

/** Terms whose title and text lists (or topic list) hold this many postings are counted from a story bitset. */
const STORY_SET_FROM = 1024;
/** Story bitsets kept (a bit per article each: 12.5 KB at 100k articles). */
const STORY_SET_CACHE_SIZE = 128;

/**
 * Exact totals: the distinct stories (an article and its twin once, sections with their article)
 * in a union of posting lists. A long term's stories (its title and text, or a topic's list) are a
 * bitset made on its first use, so a common word's total is an OR of a few thousand words instead
 * of a pass over every posting; short lists are marked posting by posting into the same bitset,
 * each once however many words of the query reach it.
 */
export class StoryCounter {
  /** Scratch: the union being counted, always left cleared. */
  private readonly union: Uint32Array;
  /** By term, or -1 - term for a topic's list. */
  private readonly sets = new Lru<number, StorySet>(STORY_SET_CACHE_SIZE);

  constructor(
    /** Each document's story (the lower article number of an article and its twin). */
    private readonly docStory: Int32Array,
    articleCount: number,
    /** The title and text lists of a term (the fields a term's story set covers), or its topic list. */
    private readonly termLists: (term: number, topic: boolean) => readonly Uint32Array[],
    /** The field of topic lists, whose sets are kept apart from the term's. */
    private readonly topicsField: number,
  ) {
    this.union = new Uint32Array(Math.ceil(articleCount / 32));
  }

  count(lists: readonly CountedList[]): number {
    const { union, docStory } = this;
    const short: CountedList[] = [];
    const long: StorySet[] = [];
    for (const l of lists) {
      const set = this.storySet(l.term, l.field === this.topicsField);
      if (set) {
        if (!long.includes(set)) long.push(set);
      } else if (!short.some((o) => o.term === l.term && o.field === l.field)) short.push(l);
    }
    // One long term (a common word): its own set is the base, so nothing is copied or counted.
    let base: Uint32Array = union;
    let total = 0;
    if (long.length === 1) {
      base = (long[0] as StorySet).bits;
      total = (long[0] as StorySet).size;
    } else if (long.length > 1) {
      for (const { bits } of long)
        for (let w = 0; w < bits.length; w++) union[w] = (union[w] as number) | (bits[w] as number);
      for (let w = 0; w < union.length; w++) total += popcount(union[w] as number);
    }
    let added = 0;
    for (const { docs } of short) {
      for (let i = 0; i < docs.length; i++) {
        const st = docStory[docs[i] as number] as number;
        const word = st >>> 5;
        const bit = 1 << (st & 31);
        if (((base[word] as number) & bit) === 0 && ((union[word] as number) & bit) === 0) {
          union[word] = (union[word] as number) | bit;
          added++;
        }
      }
    }
    if (long.length > 1 || added > union.length) union.fill(0);
    else
      for (const { docs } of short)
        for (let i = 0; i < docs.length; i++) union[(docStory[docs[i] as number] as number) >>> 5] = 0;
    return total + added;
  }

  /** Terms whose story sets are kept, least recently used first, each with whether it is a topic's. */
  cached(): [term: number, topic: boolean][] {
    return [...this.sets.keys()].map((key) => (key < 0 ? [-1 - key, true] : [key, false]));
  }

  /** The story sets made, copied, least recently used first: for a counter on another thread (`adopt`). */
  parts(): StoryParts {
    return [...this.sets.keys()].map((key) => {
      const { bits, size } = this.sets.get(key) as StorySet;
      return { key, bits: bits.slice(), size };
    });
  }

  /** Takes story sets another counter over the same documents and stories made (`parts`). */
  adopt(parts: StoryParts): void {
    for (const { key, bits, size } of parts) this.sets.set(key, { bits, size });
  }

  /** Makes a term's (or topic's) story set now, if its lists are long enough to have one. */
  warm(term: number, topic: boolean): void {
    this.storySet(term, topic);
  }

  /** A long term's (or topic's) stories as a bitset (made on first use), or undefined for a short one. */
  private storySet(term: number, topic: boolean): StorySet | undefined {
    const key = topic ? -1 - term : term;
    const cached = this.sets.get(key);
    if (cached) return cached;
    const lists = this.termLists(term, topic);
    let length = 0;
    for (const docs of lists) length += docs.length;
    if (length < STORY_SET_FROM) return undefined;
    const bits = new Uint32Array(this.union.length);
    for (const docs of lists) {
      for (let i = 0; i < docs.length; i++) {
        const st = this.docStory[docs[i] as number] as number;
        bits[st >>> 5] = (bits[st >>> 5] as number) | (1 << (st & 31));
      }
    }
    let size = 0;
    for (let w = 0; w < bits.length; w++) size += popcount(bits[w] as number);
    const set = { bits, size };
    this.sets.set(key, set);
    return set;
  }
}

/** A term's stories: one bit per story, and how many. */
interface StorySet {
  bits: Uint32Array;
  size: number;
}

/** Story sets by key (a term, or -1 - term for a topic), as `StoryCounter.parts` gives them. */
export type StoryParts = { key: number; bits: Uint32Array; size: number }[];

export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
