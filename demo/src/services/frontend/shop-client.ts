/*
 * Typed calls from the storefront to the catalog, cart and order services.
 */
import { HttpError, UpstreamError, requestJson } from '../shared/index.js';

/** A product as the catalog returns it; prices in cents of `currency`. */
export interface Product {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  currency: string;
  imagePath: string;
}

/** One page of a product listing. */
export interface ProductPage {
  items: Product[];
  category: string | null;
  page: number;
  pageSize: number;
  total: number;
}

/** Search results; `suggestions` are close names offered when few products matched. */
export interface SearchResults {
  query: string;
  items: Product[];
  total: number;
  suggestions: Product[];
}

/** A category and how many products it has. */
export interface CategorySummary {
  category: string;
  productCount: number;
}

/** A cart line priced with the catalog's current price. */
export interface PricedCartLine {
  product: Product;
  quantity: number;
  lineTotalCents: number;
}

/** The session's cart, priced. */
export interface PricedCart {
  items: PricedCartLine[];
  itemCount: number;
  subtotalCents: number;
  currency: string;
}

/** A placed order as the order service returns it. */
export interface PlacedOrder {
  orderId: string;
  status: string;
  totalCents: number;
  currency: string;
  total: number;
}

/** An order with its lines. */
export interface OrderDetails extends PlacedOrder {
  email: string;
  card: { type: string; last4: string };
  failureReason?: string;
  createdAt: string;
  items: Array<{ productId: number; sku: string; name: string; quantity: number; unitPriceCents: number }>;
}

/** Payment card as entered at checkout. */
export interface CardInput {
  type: string;
  number: string;
}

/** Base URLs of the services the storefront calls. */
export interface ShopUrls {
  catalog: string;
  cart: string;
  order: string;
}

const readTimeoutMs = 3_000;
// Checkout waits for inventory and payment, which may each take several seconds at peak.
const checkoutTimeoutMs = 20_000;

/** The storefront's client for catalog, cart and order. Methods throw UpstreamError or HttpError. */
export interface ShopClient {
  listCategories(): Promise<CategorySummary[]>;
  listProducts(options: { category?: string; page?: number; pageSize?: number }): Promise<ProductPage>;
  fetchProduct(productId: number): Promise<Product>;
  searchProducts(query: string): Promise<SearchResults>;
  fetchCart(sessionId: string): Promise<PricedCart>;
  countCartItems(sessionId: string): Promise<number>;
  addCartItem(sessionId: string, productId: number, quantity: number): Promise<PricedCart>;
  setCartItemQuantity(sessionId: string, productId: number, quantity: number): Promise<PricedCart>;
  placeOrder(sessionId: string, email: string, card: CardInput): Promise<PlacedOrder>;
  fetchOrder(orderId: string): Promise<OrderDetails>;
}

/** Creates the storefront's client for the services at `urls` (base URLs without trailing slash). */
export function createShopClient(urls: ShopUrls): ShopClient {
  const cartPath = (sessionId: string) => `${urls.cart}/carts/${encodeURIComponent(sessionId)}`;

  const fetchProduct = async (productId: number): Promise<Product> => {
    try {
      return await requestJson<Product>({ upstream: 'catalog', url: `${urls.catalog}/products/${productId}`, timeoutMs: readTimeoutMs });
    } catch (error) {
      if (error instanceof UpstreamError && error.status === 404) throw new HttpError(404, `product ${productId} not found`, 'not_found');
      throw error;
    }
  };

  const priceCart = async (lines: Array<{ productId: number; quantity: number }>): Promise<PricedCart> => {
    if (lines.length === 0) return { items: [], itemCount: 0, subtotalCents: 0, currency: 'USD' };
    const ids = lines.map((line) => line.productId).join(',');
    const { items: products } = await requestJson<{ items: Product[] }>({ upstream: 'catalog', url: `${urls.catalog}/products?ids=${ids}`, timeoutMs: readTimeoutMs });
    const productsById = new Map(products.map((product) => [product.id, product]));
    const items = lines.flatMap((line) => {
      const product = productsById.get(line.productId);
      return product ? [{ product, quantity: line.quantity, lineTotalCents: product.priceCents * line.quantity }] : [];
    });
    return {
      items,
      itemCount: items.reduce((sum, line) => sum + line.quantity, 0),
      subtotalCents: items.reduce((sum, line) => sum + line.lineTotalCents, 0),
      currency: items[0]?.product.currency ?? 'USD',
    };
  };

  const readCartLines = async (sessionId: string) =>
    (await requestJson<{ items: Array<{ productId: number; quantity: number }> }>({ upstream: 'cart', url: cartPath(sessionId), timeoutMs: readTimeoutMs })).items;

  return {
    listCategories: () => requestJson<CategorySummary[]>({ upstream: 'catalog', url: `${urls.catalog}/categories`, timeoutMs: readTimeoutMs }),

    listProducts: ({ category, page = 1, pageSize = 12 }) => {
      const query = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
      if (category) query.set('category', category);
      return requestJson<ProductPage>({ upstream: 'catalog', url: `${urls.catalog}/products?${query}`, timeoutMs: readTimeoutMs });
    },

    fetchProduct,

    searchProducts: (query) =>
      requestJson<SearchResults>({ upstream: 'catalog', url: `${urls.catalog}/search?${new URLSearchParams({ q: query })}`, timeoutMs: readTimeoutMs }),

    fetchCart: async (sessionId) => priceCart(await readCartLines(sessionId)),

    countCartItems: async (sessionId) => (await readCartLines(sessionId)).reduce((sum, line) => sum + line.quantity, 0),

    addCartItem: async (sessionId, productId, quantity) => {
      await fetchProduct(productId);
      const cart = await requestJson<{ items: Array<{ productId: number; quantity: number }> }>({
        upstream: 'cart',
        method: 'POST',
        url: `${cartPath(sessionId)}/items`,
        body: { productId, quantity },
        timeoutMs: readTimeoutMs,
      });
      return priceCart(cart.items);
    },

    setCartItemQuantity: async (sessionId, productId, quantity) => {
      const cart = await requestJson<{ items: Array<{ productId: number; quantity: number }> }>({
        upstream: 'cart',
        method: 'PUT',
        url: `${cartPath(sessionId)}/items/${productId}`,
        body: { quantity },
        timeoutMs: readTimeoutMs,
      });
      return priceCart(cart.items);
    },

    placeOrder: (sessionId, email, card) =>
      requestJson<PlacedOrder>({ upstream: 'order', method: 'POST', url: `${urls.order}/orders`, body: { sessionId, email, card }, timeoutMs: checkoutTimeoutMs }),

    fetchOrder: async (orderId) => {
      try {
        return await requestJson<OrderDetails>({ upstream: 'order', url: `${urls.order}/orders/${encodeURIComponent(orderId)}`, timeoutMs: readTimeoutMs });
      } catch (error) {
        if (error instanceof UpstreamError && error.status === 404) throw new HttpError(404, 'order not found', 'not_found');
        throw error;
      }
    },
  };
}
