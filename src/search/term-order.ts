/**
 * A term's documents best first, by what the term adds to each: its fields' BM25+ parts, each
 * times the field's boost and idf, as a query weighs them. Every word of a query that reaches the
 * term scales that sum by its own weight (exact, prefix or fuzzy), so the order is the same for
 * every query: made once per term on first use, it lets a one-word query read its best documents
 * first instead of every document in list order.
 */
export interface TermOrder {
  docs: Uint32Array;
  /** What the term adds to each document, at weight 1, in the same order (descending). */
  values: Float64Array;
}

/** One field's postings of a term: documents, their BM25+ parts, and the field's boost times idf. */
export interface FieldList {
  docs: Uint32Array;
  impact: Float32Array;
  factor: number;
}

export function termOrder(fields: readonly FieldList[]): TermOrder {
  // Merge the fields' sorted lists, summing each document's parts.
  const merged: number[] = [];
  const sums: number[] = [];
  const pos = fields.map(() => 0);
  for (;;) {
    let doc = Number.POSITIVE_INFINITY;
    fields.forEach((f, i) => {
      const p = pos[i] as number;
      if (p < f.docs.length && (f.docs[p] as number) < doc) doc = f.docs[p] as number;
    });
    if (doc === Number.POSITIVE_INFINITY) break;
    let sum = 0;
    fields.forEach((f, i) => {
      const p = pos[i] as number;
      if (f.docs[p] === doc) {
        sum += f.factor * (f.impact[p] as number);
        pos[i] = p + 1;
      }
    });
    merged.push(doc);
    sums.push(sum);
  }
  const order = Uint32Array.from(merged.keys()).sort(
    (a, b) => (sums[b] as number) - (sums[a] as number) || a - b,
  );
  return {
    docs: Uint32Array.from(order, (k) => merged[k] as number),
    values: Float64Array.from(order, (k) => sums[k] as number),
  };
}
