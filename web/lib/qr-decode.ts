import jsQRModule from 'jsqr';

// jsqr is CommonJS whose export is the function, with `.default` pointing at itself: TypeScript (NodeNext)
// types the default import as that module object, so `.default` is the function in both views.
const jsQR = jsQRModule.default;

/** Reads a QR code in an RGBA picture (a camera frame); null when there is none. Dark-on-light codes only: twice as fast. */
export function decodeQrImage(data: Uint8ClampedArray, width: number, height: number): string | null {
  const found = jsQR(data, width, height, { inversionAttempts: 'dontInvert' });
  return found?.data ? found.data : null;
}
