import { describe, expect, it } from 'vitest';
import { buildProductSeed, productCategories } from './product-seed.js';

describe('buildProductSeed', () => {
  it('builds 120 distinct products over 6 categories, the same every time', () => {
    const products = buildProductSeed();
    expect(products).toHaveLength(120);
    expect(new Set(products.map((product) => product.sku)).size).toBe(120);
    expect(new Set(products.map((product) => product.category))).toEqual(new Set(productCategories));
    expect(productCategories).toHaveLength(6);
    expect(buildProductSeed()).toEqual(products);
  });

  it('prices in whole cents ending in 99', () => {
    for (const product of buildProductSeed()) {
      expect(Number.isInteger(product.priceCents)).toBe(true);
      expect(product.priceCents % 100).toBe(99);
      expect(product.priceCents).toBeGreaterThan(0);
    }
  });
});
