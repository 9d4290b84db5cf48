// The QR decoder's worker: camera frames are decoded off the main thread, so the page stays responsive.
// Vite bundles it as a same-origin file (our CSP allows workers from 'self' only: no blob: workers).
import { decodeQrImage } from './qr-decode.js';

interface DecodeRequest {
  id: number;
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

const scope = globalThis as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<DecodeRequest>) => void): void;
  postMessage(message: { id: number; text: string | null; error?: string }): void;
};

scope.addEventListener('message', (event) => {
  const { id, data, width, height } = event.data;
  try {
    scope.postMessage({ id, text: decodeQrImage(data, width, height) });
  } catch (error) {
    scope.postMessage({ id, text: null, error: String(error) });
  }
});
