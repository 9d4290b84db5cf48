import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import QRCode from 'qrcode';
import { launchChromium } from './chromium.js';

/** Debian's ffmpeg, which turns a QR code picture into a fake camera's video. */
export const ffmpegPath = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';
export const noFfmpeg = !existsSync(ffmpegPath);

export const phone = { width: 360, height: 740 } as const;

/**
 * A video file for Chromium's fake camera showing a QR code of `text` (480×480, padded to 640×480),
 * made the way a real test would: QR picture with the `qrcode` package, video with ffmpeg.
 */
export async function makeQrVideo(dir: string, name: string, text: string): Promise<string> {
  const png = path.join(dir, `${name}.png`);
  const video = path.join(dir, `${name}.y4m`);
  await QRCode.toFile(png, text, { margin: 4, width: 480, errorCorrectionLevel: 'M' });
  execFileSync(ffmpegPath, [
    '-y',
    '-loglevel',
    'error',
    '-loop',
    '1',
    '-i',
    png,
    '-vf',
    'scale=480:480,pad=640:480:80:0:white,format=yuv420p',
    '-t',
    '3',
    video,
  ]);
  return video;
}

/** Headless Chromium whose camera is a video file (permission granted, as if the volunteer said yes). */
export function launchCameraBrowser(video: string): Promise<Browser> {
  return launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${video}`,
  ]);
}

/**
 * A phone-sized browser profile with no organiser session; service workers blocked so page.route sees
 * every request, unless `serviceWorkers: 'allow'` (the offline door, whose service worker serves the app).
 */
export async function newPhoneContext(
  browser: Browser,
  baseUrl: string,
  options: { serviceWorkers?: 'allow' | 'block' } = {},
): Promise<{ context: BrowserContext; page: Page; pageErrors: string[] }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: phone,
    isMobile: true,
    hasTouch: true,
    locale: 'en-US',
    timezoneId: 'UTC',
    colorScheme: 'light',
    serviceWorkers: options.serviceWorkers ?? 'block',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page, pageErrors };
}

/** Opens a door link on a phone page, names the device and waits for the scanner. */
export async function openDoorLink(page: Page, link: string, deviceName = 'Gate phone'): Promise<void> {
  await page.goto(link);
  await page.getByRole('textbox', { name: 'Device name' }).fill(deviceName);
  await page.getByRole('button', { name: 'Start scanning' }).click();
  await page.getByTestId('door-event').waitFor();
}

/** The same door link through another origin (the relay), keeping its secret fragment. */
export function linkVia(link: string, origin: string): string {
  const url = new URL(link);
  return `${origin}${url.pathname}${url.hash}`;
}

/**
 * A TCP relay in front of the server: the phone loads the app and calls the API through it, and the
 * test cuts it to take the phone truly off the network (not only navigator.onLine), then restores it.
 */
export async function startRelay(targetPort: number) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const relay = net.createServer((client) => {
        const upstream = net.connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      relay.once('error', reject);
      relay.listen(port, '127.0.0.1', () => {
        const address = relay.address();
        if (address && typeof address !== 'string') port = address.port;
        server = relay;
        resolve();
      });
    });
  await listen();
  return {
    get origin() {
      return `http://127.0.0.1:${port}`;
    },
    /** Drops every connection and refuses new ones. */
    cut: async () => {
      const closing = server;
      server = null;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
    /** Accepts connections again, on the same port. */
    restore: () => listen(),
    close: async () => {
      const closing = server;
      server = null;
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (closing ? closing.close(() => resolve()) : resolve()));
    },
  };
}

/** Waits until the page is controlled by the app's service worker, its precache installed. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller) return;
    await new Promise<void>((resolve) =>
      navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }),
    );
  });
}

/** Waits until the door holds its offline copy of `count` tickets (the header's data attributes). */
export async function waitForVerifier(page: Page, count: number): Promise<void> {
  await page.locator(`[data-testid="door-header"][data-verifier-count="${count}"]`).waitFor();
}
