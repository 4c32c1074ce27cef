/** FNV-1a over a string's UTF-16 code units, continuing from `h` (to hash several strings as one). */
export function fnv1a(text: string, h = 0x811c9dc5): number {
  for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h >>> 0;
}
