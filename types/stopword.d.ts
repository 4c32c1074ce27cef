declare module 'stopword' {
  /** English stopwords. */
  export const eng: string[];
  /** Spanish stopwords. */
  export const spa: string[];
}
