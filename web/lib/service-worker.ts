/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

let registered = false;

/**
 * Registers the app's service worker (built by vite-plugin-pwa: it precaches the app, nothing from
 * the API), once per page. The door page calls it: once /door was opened online, it opens again with
 * no network. A new version takes over by itself (autoUpdate). A no-op where service workers are
 * unavailable (an insecure origin, a test that blocks them).
 */
export function registerServiceWorker(): void {
  if (registered || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  registered = true;
  registerSW({ immediate: true });
}
