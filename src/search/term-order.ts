/**
 * A term's documents best first, by what the term adds to each: its fields' BM25+ parts, each
 * times the field's boost and idf, as a query weighs them. Every word of a query that reaches the
 * term scales that sum by its own weight (exact, prefix or fuzzy), so the order is the same for
 * every query: made once per term on first use (only the best few documents: a query reads no
 * more), it lets a one-word query read its best documents first instead of every document in
 * list order.
 */
export interface TermOrder {
  /** The best documents; all of the term's when it has no more than were kept. */
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

/** The term's best `keep` documents, best first (ties by document number). */
export function termOrder(fields: readonly FieldList[], keep: number): TermOrder {
  const docs: number[] = [];
  const values: number[] = [];
  const consider = (doc: number, value: number) => {
    let i = docs.length;
    if (i === keep) {
      const last = values[i - 1] as number;
      if (value < last || (value === last && doc > (docs[i - 1] as number))) return;
      docs.pop();
      values.pop();
      i--;
    }
    while (i > 0 && (values[i - 1] as number) < value) i--;
    docs.splice(i, 0, doc);
    values.splice(i, 0, value);
  };
  // Merge the fields' sorted lists, summing each document's parts.
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
    consider(doc, sum);
  }
  return { docs: Uint32Array.from(docs), values: Float64Array.from(values) };
}
