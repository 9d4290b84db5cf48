import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { decodeQrImage } from './qr-decode.js';

/** Draws a QR code of `text` as an RGBA picture, dark on light, `scale` pixels a module, inside a wider frame. */
function render(text: string, scale = 4, frame = 40) {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const margin = 4;
  const side = (modules.size + margin * 2) * scale + frame * 2;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < modules.size; y++) {
    for (let x = 0; x < modules.size; x++) {
      if (!modules.get(y, x)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const px = frame + (margin + x) * scale + dx;
          const py = frame + (margin + y) * scale + dy;
          const i = (py * side + px) * 4;
          data[i] = data[i + 1] = data[i + 2] = 20;
        }
      }
    }
  }
  return { data, width: side, height: side };
}

describe('decodeQrImage', () => {
  it("reads a ticket's public URL from a picture of its QR code", () => {
    const url = 'https://admit.example/t/5e0f4f6c-2b43-4e39-9b5c-0e7a4a8c1d2e';
    const { data, width, height } = render(url);
    expect(decodeQrImage(data, width, height)).toBe(url);
  });

  it('answers null for a frame without a code', () => {
    const side = 200;
    expect(decodeQrImage(new Uint8ClampedArray(side * side * 4).fill(200), side, side)).toBeNull();
  });
});
