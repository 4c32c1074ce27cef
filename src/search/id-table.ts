import type { Article } from '../types.ts';
import { fnv1a } from './hash.ts';

/**
 * Article numbers by id, as an open-addressed hash table in one typed array: unlike a Map it
 * crosses threads, so the reload worker makes it and the serving thread only looks ids up (a Map
 * of 100,000 ids made there cost about 45 ms a reload). Each slot holds an article number or -1;
 * a repeated id answers its last article, as a Map filled in order would.
 */
export function idTable(articles: readonly Article[]): Int32Array {
  let size = 16;
  while (size < articles.length * 2) size *= 2;
  const slots = new Int32Array(size).fill(-1);
  const mask = size - 1;
  for (let i = 0; i < articles.length; i++) {
    const id = (articles[i] as Article).id;
    let at = fnv1a(id) & mask;
    for (;;) {
      const held = slots[at] as number;
      if (held < 0 || (articles[held] as Article).id === id) break;
      at = (at + 1) & mask;
    }
    slots[at] = i;
  }
  return slots;
}

/** The article number of `id` in a table `idTable` made over `articles`, if any. */
export function lookUpId(slots: Int32Array, articles: readonly Article[], id: string): number | undefined {
  const mask = slots.length - 1;
  for (let at = fnv1a(id) & mask; ; at = (at + 1) & mask) {
    const held = slots[at] as number;
    if (held < 0) return undefined;
    if ((articles[held] as Article).id === id) return held;
  }
}
