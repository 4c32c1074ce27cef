export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over text[from, end) (UTF-16 code units), continuing from `h` (to hash several strings as one). */
export function fnv1a(text: string, h = FNV_OFFSET, from = 0): number {
  for (let k = from; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), FNV_PRIME);
  return h >>> 0;
}
