/**
 * Reads QR codes from camera frames: with the browser's own BarcodeDetector where it has one that
 * reads QR codes (Android's Chrome), else with jsQR in a worker that Vite bundles as a same-origin
 * file. Nothing is fetched at run time, and no blob: worker is needed (our CSP would refuse it).
 */
export interface QrDecoder {
  kind: 'native' | 'worker';
  /** The text of a QR code in the frame, or null. The frame's pixels may be handed over (do not reuse it). */
  decode(frame: ImageData): Promise<string | null>;
  close(): void;
}

interface NativeDetector {
  detect(source: ImageData): Promise<{ rawValue: string }[]>;
}
interface NativeDetectorClass {
  new (options: { formats: string[] }): NativeDetector;
  getSupportedFormats(): Promise<string[]>;
}

async function createNativeDecoder(): Promise<QrDecoder | null> {
  const Detector = (window as unknown as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return null;
    const detector = new Detector({ formats: ['qr_code'] });
    return {
      kind: 'native',
      decode: async (frame) => (await detector.detect(frame))[0]?.rawValue || null,
      close: () => undefined,
    };
  } catch {
    return null;
  }
}

function createWorkerDecoder(): QrDecoder {
  const worker = new Worker(new URL('./qr-decoder.worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<number, { resolve: (text: string | null) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.addEventListener('message', (event: MessageEvent<{ id: number; text: string | null; error?: string }>) => {
    const waiting = pending.get(event.data.id);
    if (!waiting) return;
    pending.delete(event.data.id);
    if (event.data.error) waiting.reject(new Error(event.data.error));
    else waiting.resolve(event.data.text);
  });
  worker.addEventListener('error', () => failAll(new Error('The QR decoder stopped.')));
  return {
    kind: 'worker',
    decode: (frame) =>
      new Promise((resolve, reject) => {
        nextId += 1;
        pending.set(nextId, { resolve, reject });
        worker.postMessage({ id: nextId, data: frame.data, width: frame.width, height: frame.height }, [
          frame.data.buffer,
        ]);
      }),
    close: () => {
      worker.terminate();
      failAll(new Error('closed'));
    },
  };
}

/** The best QR decoder this browser offers. */
export async function createQrDecoder(): Promise<QrDecoder> {
  return (await createNativeDecoder()) ?? createWorkerDecoder();
}
