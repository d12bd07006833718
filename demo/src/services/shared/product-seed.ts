/*
 * The shop's product range. Catalog seeds its products from it and inventory its stock, so both
 * agree on SKUs without one calling the other at start-up. Generated deterministically: every
 * fresh demo has the same 120 products.
 */

/** One product as seeded. */
export interface SeedProduct {
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  imagePath: string;
}

interface CategoryRange {
  category: string;
  skuPrefix: string;
  /** Cheapest and dearest price, in cents. */
  priceRangeCents: [number, number];
  adjectives: string[];
  nouns: string[];
  uses: string[];
}

const ranges: CategoryRange[] = [
  {
    category: 'kitchen',
    skuPrefix: 'KIT',
    priceRangeCents: [899, 18900],
    adjectives: ['Cast Iron', 'Copper', 'Bamboo', 'Ceramic', 'Stainless'],
    nouns: ['Skillet', 'Saucepan', 'Chef Knife', 'Cutting Board'],
    uses: ['searing steaks', 'weeknight pasta', 'slow-cooked stews', 'meal prep'],
  },
  {
    category: 'outdoor',
    skuPrefix: 'OUT',
    priceRangeCents: [1499, 34900],
    adjectives: ['Ultralight', 'Waterproof', 'Insulated', 'Trail', 'Alpine'],
    nouns: ['Tent', 'Backpack', 'Sleeping Bag', 'Headlamp'],
    uses: ['weekend hikes', 'alpine camping', 'long treks', 'rainy campsites'],
  },
  {
    category: 'electronics',
    skuPrefix: 'ELE',
    priceRangeCents: [1999, 49900],
    adjectives: ['Wireless', 'Noise-Cancelling', 'Portable', 'Smart', 'Compact'],
    nouns: ['Headphones', 'Speaker', 'Charger', 'Keyboard'],
    uses: ['the daily commute', 'home studios', 'travel', 'the office'],
  },
  {
    category: 'books',
    skuPrefix: 'BOO',
    priceRangeCents: [799, 5900],
    adjectives: ['Illustrated', 'Hardcover', 'Pocket', 'Annotated', 'Collected'],
    nouns: ['Field Guide', 'Cookbook', 'Atlas', 'Novel'],
    uses: ['curious readers', 'rainy afternoons', 'gift giving', 'the bedside table'],
  },
  {
    category: 'apparel',
    skuPrefix: 'APP',
    priceRangeCents: [1299, 22900],
    adjectives: ['Merino', 'Organic Cotton', 'Linen', 'Fleece', 'Denim'],
    nouns: ['Jacket', 'Sweater', 'T-Shirt', 'Scarf'],
    uses: ['layering in autumn', 'everyday wear', 'cold mornings', 'city walks'],
  },
  {
    category: 'home-office',
    skuPrefix: 'OFF',
    priceRangeCents: [999, 59900],
    adjectives: ['Ergonomic', 'Adjustable', 'Walnut', 'Minimalist', 'Modular'],
    nouns: ['Desk Lamp', 'Monitor Stand', 'Office Chair', 'Notebook'],
    uses: ['long working days', 'small apartments', 'focused work', 'tidy desks'],
  },
];

/** The shop's categories, in display order. */
export const productCategories: readonly string[] = ranges.map((range) => range.category);

// mulberry32: tiny, deterministic, good enough to vary prices and wording.
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns the 120 seeded products (20 per category), always the same ones in the same order. */
export function buildProductSeed(): SeedProduct[] {
  const random = createRandom(20240611);
  const products: SeedProduct[] = [];
  for (const range of ranges) {
    for (let index = 0; index < 20; index += 1) {
      const adjective = range.adjectives[index % range.adjectives.length];
      const noun = range.nouns[Math.floor(index / range.adjectives.length) % range.nouns.length];
      const use = range.uses[Math.floor(random() * range.uses.length)];
      const [lowCents, highCents] = range.priceRangeCents;
      // Shop prices end in 9: round to whole units, then take a cent off.
      const priceCents = Math.round((lowCents + random() * (highCents - lowCents)) / 100) * 100 - 1;
      const sku = `${range.skuPrefix}-${String(1001 + index)}`;
      products.push({
        sku,
        name: `${adjective} ${noun}`,
        description: `${/^[aeiou]/i.test(adjective) ? 'An' : 'A'} ${adjective.toLowerCase()} ${noun.toLowerCase()} made for ${use}. Backed by a two-year warranty and free returns within 30 days.`,
        category: range.category,
        priceCents,
        currency: 'USD',
        imagePath: `/static/img/${sku}.svg`,
      });
    }
  }
  return products;
}
