// Renders pwa/icon.svg into the PNG icons the manifest lists, with the
// system Chromium (the same one the tests use). The PNGs are committed; run
// this only when the icon changes:  node pwa/make-icons.mjs
//
// A maskable icon keeps its mark inside the central 80% circle (launchers
// crop to any shape), so it is drawn on a full-bleed square with a smaller
// character; "any" icons keep the rounded square.
import { chromium } from 'playwright';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const svg = await readFile(here + 'icon.svg', 'utf8');
const maskable = svg
  .replace('rx="96"', 'rx="0"')
  .replace('font-size="300"', 'font-size="220"')
  .replace('y="360"', 'y="334"');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const icons = [
  ['icon-192.png', 192, svg],
  ['icon-512.png', 512, svg],
  ['maskable-512.png', 512, maskable],
  ['apple-touch-icon.png', 180, maskable],
];
for (const [name, size, source] of icons) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  const img = source.replace('<svg ', `<svg width="${size}" height="${size}" `);
  await page.setContent(`<style>html,body{margin:0;background:transparent}</style>${img}`);
  await page.screenshot({ path: `${here}icons/${name}`, omitBackground: true });
  await page.close();
  console.log(`pwa/icons/${name} ${size}×${size}`);
}
await browser.close();
