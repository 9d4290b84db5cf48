import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const apiTarget = process.env.ADMIT_API_URL ?? 'http://localhost:3000';
const proxied = ['/api', '/redeem', '/status', '/healthz'];
/** Server paths a navigation must reach (never the app shell from the service worker's cache). */
const serverPaths = /^\/(api|redeem|status|healthz|readyz)(\/|$)/;

/**
 * The web app lives in web/ and is built into dist/web, which the Fastify server serves. A service
 * worker (Workbox, generated) precaches the built app so the door page opens with no network; it
 * caches nothing else: API answers, redeem links and health checks always go to the server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false, // registered by the door page (web/lib/service-worker.ts)
      manifest: {
        name: 'Admit door',
        short_name: 'Admit door',
        description: 'Check tickets in at the door, even when the network drops.',
        start_url: '/door',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#3b5bdb',
        background_color: '#ffffff',
        icons: [
          { src: '/pwa-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/pwa-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/pwa-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,webmanifest}'],
        // The door page pulls in big lazy chunks (the QR decoder, fonts): precache them all.
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [serverPaths],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [],
      },
    }),
  ],
  css: { postcss: fileURLToPath(new URL('.', import.meta.url)) },
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: apiTarget, changeOrigin: false }])),
  },
});
