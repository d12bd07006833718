/*
 * Server-rendered pages of the store: plain template strings, every interpolated value escaped.
 */
import type { CategorySummary, OrderDetails, PricedCart, Product, SearchResults } from './shop-client.js';

const shopName = 'Lighthouse Supply Co.';

/** Escapes `value` for use in HTML text and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** Formats `amountCents` of `currency` for display, e.g. `$12.99`. */
export function formatPrice(amountCents: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amountCents / 100);
}

/** Turns a category slug into its display name (`home-office` → `Home Office`). */
export function formatCategory(category: string): string {
  return category.split('-').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}

const styles = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;background:#f7f7f5}
a{color:#0b6e8a;text-decoration:none}a:hover{text-decoration:underline}
header{background:#12344d;color:#fff;padding:12px 24px;display:flex;gap:24px;align-items:center;flex-wrap:wrap}
header a{color:#fff}.brand{font-weight:700;font-size:18px}
header form{flex:1;display:flex;max-width:420px}header input{flex:1;padding:6px 10px;border:0;border-radius:4px 0 0 4px}
header button{border:0;background:#f0b429;padding:6px 12px;border-radius:0 4px 4px 0;cursor:pointer}
nav{background:#fff;border-bottom:1px solid #e4e7eb;padding:8px 24px;display:flex;gap:18px;flex-wrap:wrap}
main{max-width:1100px;margin:0 auto;padding:24px}h1{margin-top:0}h2{margin-bottom:8px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px}
.card{background:#fff;border:1px solid #e4e7eb;border-radius:8px;padding:12px}.card img{width:100%;border-radius:6px}
.card h3{font-size:15px;margin:8px 0 4px}.price{font-weight:600;color:#243b53}
.btn{display:inline-block;background:#0b6e8a;color:#fff;border:0;border-radius:4px;padding:8px 16px;cursor:pointer;font-size:15px}
.btn:hover{background:#095a71;text-decoration:none}.btn.secondary{background:#829ab1}
.notice{padding:10px 14px;border-radius:6px;margin-bottom:16px}.notice.error{background:#fde8e8;color:#8a1c1c}.notice.ok{background:#e3f9e5;color:#0e5e20}
table{width:100%;border-collapse:collapse;background:#fff}td,th{padding:10px;border-bottom:1px solid #e4e7eb;text-align:left}
.product{display:grid;grid-template-columns:minmax(240px,420px) 1fr;gap:32px}.product img{width:100%;border-radius:8px}
label{display:block;margin:12px 0 4px;font-weight:600}input,select{padding:8px;font-size:15px;width:100%;max-width:360px}
.pager{margin-top:20px;display:flex;gap:12px}footer{color:#829ab1;text-align:center;padding:32px}
`;

/** What every page's chrome needs. */
export interface PageChrome {
  categories: CategorySummary[];
  /** Undefined when the cart could not be read; the header then shows no count. */
  cartItemCount?: number;
  query?: string;
}

/** Wraps `body` in the shop's layout: header with search and cart, category navigation, footer. */
export function renderPage(title: string, body: string, chrome: PageChrome): string {
  const cartLabel = chrome.cartItemCount === undefined ? 'Cart' : `Cart (${chrome.cartItemCount})`;
  const navigation = chrome.categories
    .map((entry) => `<a href="/?category=${encodeURIComponent(entry.category)}">${escapeHtml(formatCategory(entry.category))}</a>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · ${shopName}</title><style>${styles}</style></head>
<body><header><a class="brand" href="/">${shopName}</a>
<form action="/search" method="get"><input name="q" placeholder="Search products" value="${escapeHtml(chrome.query ?? '')}"><button>Search</button></form>
<a href="/cart">${escapeHtml(cartLabel)}</a></header>
<nav>${navigation}</nav>
<main>${body}</main>
<footer>${shopName} · free shipping over $50 · 30-day returns</footer></body></html>`;
}

function renderProductCard(product: Product): string {
  return `<div class="card"><a href="/products/${product.id}"><img src="${escapeHtml(product.imagePath)}" alt="" width="200" height="150">
<h3>${escapeHtml(product.name)}</h3></a><div class="price">${formatPrice(product.priceCents, product.currency)}</div></div>`;
}

/** A grid of product cards. */
export function renderProductGrid(products: Product[]): string {
  return `<div class="grid">${products.map(renderProductCard).join('')}</div>`;
}

/** The home page: a few products of each category. */
export function renderHome(sections: Array<{ category: string; products: Product[] }>): string {
  return `<h1>Gear for work, home and the trail</h1>${sections
    .map(
      ({ category, products }) =>
        `<section><h2><a href="/?category=${encodeURIComponent(category)}">${escapeHtml(formatCategory(category))}</a></h2>${renderProductGrid(products)}</section>`,
    )
    .join('')}`;
}

/** One page of a category, with previous/next links. */
export function renderCategory(category: string, products: Product[], page: number, pageCount: number): string {
  const link = (target: number, label: string) => `<a class="btn secondary" href="/?category=${encodeURIComponent(category)}&page=${target}">${label}</a>`;
  const pager = [page > 1 ? link(page - 1, '← Previous') : '', `<span>Page ${page} of ${Math.max(pageCount, 1)}</span>`, page < pageCount ? link(page + 1, 'Next →') : ''].join('');
  return `<h1>${escapeHtml(formatCategory(category))}</h1>${products.length > 0 ? renderProductGrid(products) : '<p>No products here.</p>'}<div class="pager">${pager}</div>`;
}

/** A product's page with its add-to-cart form. */
export function renderProduct(product: Product): string {
  const quantities = Array.from({ length: 10 }, (_, index) => `<option>${index + 1}</option>`).join('');
  return `<div class="product"><img src="${escapeHtml(product.imagePath)}" alt="" width="420" height="315">
<div><p><a href="/?category=${encodeURIComponent(product.category)}">${escapeHtml(formatCategory(product.category))}</a></p>
<h1>${escapeHtml(product.name)}</h1><p class="price">${formatPrice(product.priceCents, product.currency)}</p>
<p>${escapeHtml(product.description)}</p><p>SKU ${escapeHtml(product.sku)}</p>
<form method="post" action="/cart/items"><input type="hidden" name="productId" value="${product.id}">
<label for="quantity">Quantity</label><select id="quantity" name="quantity">${quantities}</select>
<p><button class="btn">Add to cart</button></p></form></div></div>`;
}

/** Search results, with suggestions when nothing (or little) matched. */
export function renderSearch(results: SearchResults): string {
  const heading = `<h1>${results.total} result${results.total === 1 ? '' : 's'} for “${escapeHtml(results.query)}”</h1>`;
  const suggestions =
    results.suggestions.length > 0 ? `<h2>Did you mean</h2>${renderProductGrid(results.suggestions)}` : '';
  return `${heading}${results.items.length > 0 ? renderProductGrid(results.items) : '<p>No products matched.</p>'}${suggestions}`;
}

/** The cart page with quantity updates and the way to checkout. */
export function renderCart(cart: PricedCart): string {
  if (cart.items.length === 0) return '<h1>Your cart</h1><p>Your cart is empty. <a href="/">Continue shopping</a>.</p>';
  const rows = cart.items
    .map(
      (line) => `<tr><td><a href="/products/${line.product.id}">${escapeHtml(line.product.name)}</a></td>
<td>${formatPrice(line.product.priceCents, line.product.currency)}</td>
<td><form method="post" action="/cart/items/${line.product.id}" style="display:flex;gap:8px">
<input name="quantity" type="number" min="0" max="20" value="${line.quantity}" style="width:70px"><button class="btn secondary">Update</button></form></td>
<td>${formatPrice(line.lineTotalCents, line.product.currency)}</td></tr>`,
    )
    .join('');
  return `<h1>Your cart</h1><table><tr><th>Product</th><th>Price</th><th>Quantity</th><th>Total</th></tr>${rows}
<tr><th colspan="3">Subtotal</th><th>${formatPrice(cart.subtotalCents, cart.currency)}</th></tr></table>
<p><a class="btn" href="/checkout">Checkout</a></p>`;
}

/** The checkout form, with the order summary and the error of a previous attempt if any. */
export function renderCheckout(cart: PricedCart, form: { email?: string; cardType?: string; error?: string }): string {
  if (cart.items.length === 0) return '<h1>Checkout</h1><p>Your cart is empty. <a href="/">Continue shopping</a>.</p>';
  const cardOptions = ['visa', 'mastercard', 'amex']
    .map((type) => `<option value="${type}"${form.cardType === type ? ' selected' : ''}>${type === 'amex' ? 'American Express' : formatCategory(type)}</option>`)
    .join('');
  const error = form.error ? `<div class="notice error">${escapeHtml(form.error)}</div>` : '';
  return `<h1>Checkout</h1>${error}
<p>${cart.itemCount} item${cart.itemCount === 1 ? '' : 's'} · total <strong>${formatPrice(cart.subtotalCents, cart.currency)}</strong></p>
<form method="post" action="/checkout">
<label for="email">Email</label><input id="email" name="email" type="email" required value="${escapeHtml(form.email ?? '')}">
<label for="cardType">Card</label><select id="cardType" name="cardType">${cardOptions}</select>
<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" required placeholder="4242 4242 4242 4242">
<p><button class="btn">Place order</button></p></form>`;
}

/** The order confirmation page. */
export function renderOrder(order: OrderDetails): string {
  const rows = order.items
    .map((line) => `<tr><td>${escapeHtml(line.name)}</td><td>${line.quantity}</td><td>${formatPrice(line.unitPriceCents * line.quantity, order.currency)}</td></tr>`)
    .join('');
  const status =
    order.status === 'paid'
      ? `<div class="notice ok">Thank you! Your order is confirmed and a receipt is on its way to ${escapeHtml(order.email)}.</div>`
      : `<div class="notice error">This order was not paid: ${escapeHtml(order.failureReason ?? order.status)}</div>`;
  return `<h1>Order ${escapeHtml(order.orderId.slice(0, 8).toUpperCase())}</h1>${status}
<table><tr><th>Product</th><th>Quantity</th><th>Total</th></tr>${rows}<tr><th colspan="2">Total</th><th>${formatPrice(order.totalCents, order.currency)}</th></tr></table>
<p>Paid with ${escapeHtml(order.card.type)} ending ${escapeHtml(order.card.last4)}. <a href="/">Continue shopping</a></p>`;
}

/** A page for an error status. */
export function renderErrorBody(status: number, message: string): string {
  const title = status === 404 ? 'Not found' : status >= 500 ? 'Something went wrong' : 'That did not work';
  return `<h1>${title}</h1><div class="notice error">${escapeHtml(message)}</div><p><a href="/">Back to the shop</a></p>`;
}

const categoryColours: Record<string, string> = { KIT: '#e0795b', OUT: '#4f9d69', ELE: '#5476c9', BOO: '#a46cc4', APP: '#d4a72c', OFF: '#5a9aa8' };

/** A placeholder product image (SVG) for `sku`, coloured by its category prefix. */
export function renderPlaceholderImage(sku: string): string {
  const colour = categoryColours[sku.slice(0, 3)] ?? '#9aa5b1';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">
<rect width="400" height="300" fill="${colour}"/><circle cx="200" cy="130" r="60" fill="#ffffff" opacity="0.25"/>
<text x="200" y="250" font-family="sans-serif" font-size="28" fill="#ffffff" text-anchor="middle">${escapeHtml(sku)}</text></svg>`;
}
