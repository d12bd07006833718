/*
 * Search relevance: keyword scores for the rows the database matched, plus fuzzy similarity
 * (Dice coefficient over character n-grams) for typo-tolerant suggestions.
 */

/** What ranking needs of a product. */
export interface RankableProduct {
  id: number;
  name: string;
  description: string;
}

/** Splits `text` into lower-case words of two characters or more. */
export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 2);
}

/** Keyword relevance of `product` for `query` (higher is better; 0 means no word matched). */
export function scoreKeywords(query: string, product: RankableProduct): number {
  const name = product.name.toLowerCase();
  const description = product.description.toLowerCase();
  const phrase = query.toLowerCase().trim();
  let score = 0;
  if (name === phrase) score += 20;
  else if (name.startsWith(phrase)) score += 10;
  else if (name.includes(phrase)) score += 6;
  for (const word of tokenize(query)) {
    if (name.includes(word)) score += 3;
    if (description.includes(word)) score += 1;
  }
  return score;
}

function collectGrams(text: string, gramSize: number): Set<string> {
  const padded = ` ${text.toLowerCase()} `;
  const grams = new Set<string>();
  for (let index = 0; index + gramSize <= padded.length; index += 1) grams.add(padded.slice(index, index + gramSize));
  return grams;
}

/** Dice similarity of two strings over n-grams of `gramSize` characters, in [0, 1]. */
export function measureSimilarity(left: string, right: string, gramSize: number): number {
  const leftGrams = collectGrams(left, gramSize);
  const rightGrams = collectGrams(right, gramSize);
  if (leftGrams.size === 0 || rightGrams.size === 0) return 0;
  let shared = 0;
  for (const gram of leftGrams) if (rightGrams.has(gram)) shared += 1;
  return (2 * shared) / (leftGrams.size + rightGrams.size);
}

/**
 * Fuzzy similarity of `query` to every product of `corpus`, keyed by product id. Runs one pass
 * with bigrams, then keeps refining with longer n-grams (averaging the passes) while
 * `refineBudgetMs` of scoring time remains: more budget buys better typo tolerance.
 */
export function scoreFuzzySimilarity(query: string, corpus: readonly RankableProduct[], refineBudgetMs: number): Map<number, number> {
  const deadlineMs = performance.now() + refineBudgetMs;
  const totals = new Map<number, number>();
  let passes = 0;
  let gramSize = 2;
  do {
    for (const product of corpus) {
      const similarity = Math.max(
        measureSimilarity(query, product.name, gramSize),
        0.5 * measureSimilarity(query, product.description, gramSize),
      );
      totals.set(product.id, (totals.get(product.id) ?? 0) + similarity);
    }
    passes += 1;
    gramSize = gramSize >= 4 ? 2 : gramSize + 1;
  } while (performance.now() < deadlineMs);
  for (const [id, total] of totals) totals.set(id, total / passes);
  return totals;
}
