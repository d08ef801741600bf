/**
 * Renders docs/icon.svg to docs/icon.png (the Marketplace wants a PNG of at least 128 px) with the
 * Chromium the e2e test uses: `node out/scripts/render-icon.js`. The PNG is checked in.
 */
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';

async function main(): Promise<void> {
  const docs = path.resolve(__dirname, '..', '..', 'docs');
  const svg = fs.readFileSync(path.join(docs, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 256, height: 256 } });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page.locator('svg').screenshot({ path: path.join(docs, 'icon.png'), omitBackground: true });
  } finally {
    await browser.close();
  }
  console.log('wrote docs/icon.png');
}

void main();
