// A fake camera for Playwright specs: a QR code shown on one page becomes
// a Y4M video that Chromium plays as its camera, given
//   --use-fake-device-for-media-stream --use-fake-ui-for-media-stream
//   --use-file-for-fake-video-capture=<outFile>
// (or Playwright's `permissions: ['camera']` instead of the fake UI flag).
// Chromium opens the file afresh at every getUserMedia, so a spec may launch
// with a path that does not exist yet and write or rewrite it before the
// page asks for the camera (checked with Chromium 156).
const fs = require('node:fs');

const WIDTH = 640;
const HEIGHT = 480;

/**
 * Paints the SVG found by `selector` on `page` (the code `size` px square,
 * centred in a white 640×480 frame), and writes it to `outFile` as a Y4M
 * video of `frames` identical frames at 10 fps.
 * Returns { width, height, frames, bytes }.
 */
async function qrVideoFromPage(page, selector, outFile, { size = 440, frames = 10 } = {}) {
  const base64 = await page.evaluate(
    async ({ selector, width, height, size }) => {
      const found = document.querySelector(selector);
      if (!found) throw new Error(`qrVideoFromPage: nothing matches ${selector}`);
      const svg = found.closest('svg') || found.querySelector('svg');
      if (!svg) throw new Error(`qrVideoFromPage: no <svg> at ${selector}`);
      // A standalone copy with a fixed size (the page's may be "100%").
      const copy = svg.cloneNode(true);
      copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
      copy.setAttribute('width', String(size));
      copy.setAttribute('height', String(size));
      copy.removeAttribute('style');
      const markup = new XMLSerializer().serializeToString(copy);
      const image = new Image();
      image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(markup);
      await image.decode();

      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const context = canvas.getContext('2d');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, height);
      context.imageSmoothingEnabled = false;
      context.drawImage(image, Math.round((width - size) / 2), Math.round((height - size) / 2), size, size);
      const rgba = context.getImageData(0, 0, width, height).data;

      // Back to Node as base64: far smaller than a JSON array of numbers.
      let binary = '';
      const chunk = 0x8000;
      for (let i = 0; i < rgba.length; i += chunk) {
        binary += String.fromCharCode.apply(null, rgba.subarray(i, i + chunk));
      }
      return btoa(binary);
    },
    { selector, width: WIDTH, height: HEIGHT, size },
  );
  const rgba = Buffer.from(base64, 'base64');
  if (rgba.length !== WIDTH * HEIGHT * 4) {
    throw new Error(`qrVideoFromPage: got ${rgba.length} bytes of pixels, expected ${WIDTH * HEIGHT * 4}`);
  }
  const bytes = writeY4m(outFile, rgba, WIDTH, HEIGHT, frames);
  return { width: WIDTH, height: HEIGHT, frames, bytes };
}

/**
 * Writes RGBA pixels as a 4:2:0 Y4M video (full-range luma, grey chroma).
 * Returns the file's size in bytes.
 */
function writeY4m(outFile, rgba, width, height, frames) {
  const luma = Buffer.alloc(width * height);
  for (let i = 0, p = 0; i < luma.length; i += 1, p += 4) {
    // BT.601 weights, full range (C420jpeg).
    luma[i] = Math.round(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`, 'ascii');
  const frame = Buffer.concat([Buffer.from('FRAME\n', 'ascii'), luma, chroma, chroma]);
  const file = Buffer.concat([header, ...Array(frames).fill(frame)]);
  fs.writeFileSync(outFile, file);
  return file.length;
}

module.exports = { qrVideoFromPage, writeY4m };
