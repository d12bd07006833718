import { describe, expect, it } from 'vitest';
import { measureSimilarity, scoreFuzzySimilarity, scoreKeywords, tokenize } from './relevance.js';

const corpus = [
  { id: 1, name: 'Wireless Headphones', description: 'Headphones made for travel.' },
  { id: 2, name: 'Copper Chef Knife', description: 'A knife made for meal prep.' },
  { id: 3, name: 'Trail Tent', description: 'A tent for weekend hikes.' },
];

describe('relevance', () => {
  it('tokenizes into lower-case words', () => {
    expect(tokenize('Chef-Knife, a 10 inch!')).toEqual(['chef', 'knife', '10', 'inch']);
  });

  it('ranks a name match above a description match', () => {
    expect(scoreKeywords('knife', corpus[1])).toBeGreaterThan(scoreKeywords('travel', corpus[0]));
    expect(scoreKeywords('tent', corpus[0])).toBe(0);
  });

  it('measures identical strings as 1 and unrelated ones near 0', () => {
    expect(measureSimilarity('tent', 'tent', 2)).toBe(1);
    expect(measureSimilarity('tent', 'xyz', 2)).toBe(0);
  });

  it('suggests the closest name for a typo', () => {
    const similarity = scoreFuzzySimilarity('hedphones', corpus, 0);
    const best = [...similarity].sort((left, right) => right[1] - left[1])[0];
    expect(best[0]).toBe(1);
  });

  it('keeps refining until the budget is spent', () => {
    const startedMs = performance.now();
    scoreFuzzySimilarity('knife', corpus, 30);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(29);
  });
});
