// npm run screenshots — pictures of the UI's pages with real demo data, for docs/screenshots/.
// Starts the demo shop (Pharos included) on free loopback ports, lets shoppers run for a
// while, switches on the payment incident (failures and latency), then walks the UI in
// Debian's Chromium. Takes about two minutes; stops everything it started.
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startShop } from '../demo/dist/launcher/index.js';

const repoRoot = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(repoRoot, 'docs/screenshots');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const [httpPort, otlpHttpPort, otlpGrpcPort, frontendPort, controlPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
const shop = await startShop({ pharos: { httpPort, otlpHttpPort, otlpGrpcPort }, frontendPort, controlPort, load: { journeysPerSecond: 6 }, logLevel: 'warn' });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  console.log('shop up; shoppers running for 45 s, then the payment incident for 45 s');
  await sleep(45_000);
  await shop.setFault('payment-failures', '0.3');
  await shop.setFault('payment-latency', '0.3:1500');
  await sleep(45_000);
  mkdirSync(outDir, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const ui = shop.urls.pharosApi;

  const shoot = (name) => page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });

  await page.goto(`${ui}/?range=15m&sort=-errorRate`);
  await page.locator('tbody tr').nth(6).waitFor();
  await shoot('services');

  await page.goto(`${ui}/services/payment?range=15m`);
  await page.locator('.latency-chart svg').waitFor();
  await page.getByRole('heading', { name: 'Top errors' }).waitFor();
  await page.getByRole('heading', { name: 'Upstream and downstream' }).waitFor();
  await sleep(1000); // the sections load independently
  await shoot('service');

  await page.goto(`${ui}/service-map?range=15m`);
  await page.locator('.sm-node').nth(7).waitFor();
  await shoot('service-map');

  await page.goto(`${ui}/traces?range=15m&service=frontend&status=error`);
  await page.locator('.trace-item').first().waitFor();
  await shoot('traces');

  await page.locator('.trace-link').first().click();
  await page.locator('[role="treeitem"]').nth(10).waitFor();
  await page.locator('[role="treeitem"]', { hasText: 'POST /charges' }).first().click();
  await page.getByRole('region', { name: /^Details of/ }).waitFor();
  // The header is sticky: scrolled down by the click, it would be drawn mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  await shoot('trace');

  await page.goto(`${ui}/logs?range=15m&severity=warn`);
  await page.locator('.log-item').first().waitFor();
  await shoot('logs');

  await page.goto(`${ui}/explore/metrics?range=15m&metric=http.server.request.duration&by=service.name&pct=p95`);
  await page.locator('.line-chart path').first().waitFor();
  await shoot('metrics');

  // The dark theme, as chosen in the header (kept in localStorage).
  await page.evaluate("localStorage.setItem('pharos.theme', 'dark')");
  await page.goto(`${ui}/service-map?range=15m`);
  await page.locator('.sm-node').nth(7).waitFor();
  await shoot('service-map-dark');
  console.log(`screenshots in ${outDir}`);
} finally {
  await browser.close();
  await shop.stop();
}
