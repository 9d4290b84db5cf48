import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { DoorMe } from '../../shared/door.js';
import { sendDoorScan } from '../api/door.js';
import { doorKeys } from '../queries/door.js';
import type { OfflineDoor, VerifierStatus } from './offline-door.js';
import { uploadQueue } from './offline-queue.js';
import {
  type DoubleEntryNotice,
  dequeueScan,
  listQueuedScans,
  loadNotices,
  type QueuedScan,
  saveNotices,
  updateQueuedScan,
} from './offline-store.js';

/** How often the copy asks what changed, while online and visible. */
export const verifierPollMs = 1_500;
/** How often the queue is tried again while scans wait. */
export const queueRetryMs = 4_000;
/** An upload cut short while the phone says it is online (the network is coming back) is tried again this soon. */
const interruptedRetryMs = 1_000;
/** Double-entry notices kept on the device. */
const noticesMax = 20;

export interface OfflineDoorState {
  status: VerifierStatus | null;
  /** Offline scans not sent yet. */
  waiting: number;
  /** Queued scans the server refused, with why. */
  problems: QueuedScan[];
  notices: DoubleEntryNotice[];
  /** Ask for the copy's changes now (a live frame said something happened). */
  refresh: () => void;
  /** A scan was queued: count it and try to send. */
  queued: () => void;
  dismissNotice: (scanId: string) => void;
}

function useOnline() {
  return useSyncExternalStore(
    (listener) => {
      window.addEventListener('online', listener);
      window.addEventListener('offline', listener);
      return () => {
        window.removeEventListener('online', listener);
        window.removeEventListener('offline', listener);
      };
    },
    () => navigator.onLine,
  );
}

/**
 * Keeps the door's offline copy current (downloaded on open, then its changes every 1.5 s while
 * online and visible, and after each live frame), and uploads the queue of offline scans: on page
 * load, on the `online` event, and every few seconds while scans wait.
 */
export function useOfflineDoor(
  door: OfflineDoor,
  me: DoorMe,
  onAccessLost: (why: 'revoked' | 'signed_out') => void,
): OfflineDoorState {
  const queryClient = useQueryClient();
  const online = useOnline();
  const [status, setStatus] = useState<VerifierStatus | null>(() => door.status());
  const [waiting, setWaiting] = useState(0);
  const [problems, setProblems] = useState<QueuedScan[]>([]);
  const [notices, setNotices] = useState<DoubleEntryNotice[]>([]);
  const [opened, setOpened] = useState(false);
  const uploading = useRef(false);
  const retryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const onAccessLostRef = useRef(onAccessLost);
  onAccessLostRef.current = onAccessLost;
  const eventId = me.event.id;

  useEffect(() => door.subscribe(() => setStatus(door.status())), [door]);

  useEffect(() => {
    let live = true;
    setOpened(false);
    void door
      .open(me.event.id, me.verifierKey)
      .catch(() => undefined)
      .then(() => live && setOpened(true));
    return () => {
      live = false;
    };
  }, [door, me.event.id, me.verifierKey]); // the copy belongs to the event and its key, not to the counters

  const countQueue = useCallback(async () => {
    const queued = (await listQueuedScans().catch(() => [])).filter((scan) => scan.eventId === eventId);
    setWaiting(queued.length);
    setProblems(queued.filter((scan) => scan.problem));
    return queued.length;
  }, [eventId]);

  const upload = useCallback(async () => {
    if (uploading.current || !navigator.onLine) return;
    uploading.current = true;
    try {
      const run = await uploadQueue({
        list: async () => (await listQueuedScans()).filter((scan) => scan.eventId === eventId),
        send: (scan) =>
          sendDoorScan({ code: scan.code, scanId: scan.scanId, offline: { at: scan.at, decided: scan.decided } }),
        remove: async (scan) => {
          await dequeueScan(scan);
          setWaiting((n) => Math.max(0, n - 1));
        },
        keep: updateQueuedScan,
      });
      if (run.doubleEntries.length > 0) {
        const next = [...run.doubleEntries, ...(await loadNotices())].slice(0, noticesMax);
        await saveNotices(next);
        setNotices(next);
      }
      if (run.sent > 0) void queryClient.invalidateQueries({ queryKey: doorKeys.all });
      if (run.accessLost) onAccessLostRef.current(run.accessLost);
      if (run.interrupted && navigator.onLine && !retryTimer.current) {
        retryTimer.current = setTimeout(() => {
          retryTimer.current = null;
          void uploadRef.current();
        }, interruptedRetryMs);
      }
    } finally {
      uploading.current = false;
      await countQueue();
    }
  }, [eventId, countQueue, queryClient]);
  const uploadRef = useRef(upload);
  uploadRef.current = upload;
  useEffect(
    () => () => {
      if (retryTimer.current) clearTimeout(retryTimer.current);
    },
    [],
  );

  // On load: what waits from before (a reload, a closed tab), and the notices kept.
  useEffect(() => {
    void countQueue().then(() => upload());
    void loadNotices().then(setNotices, () => undefined);
  }, [countQueue, upload]);

  // Back online: send at once; while scans wait, try again now and then. Gone offline (or hidden):
  // the copy as it is now is kept, to decide from after a reload.
  useEffect(() => {
    if (online) void upload();
    else void door.saveNow().catch(() => undefined);
  }, [online, upload, door]);
  useEffect(() => {
    const onHide = () => {
      if (document.visibilityState === 'hidden') void door.saveNow().catch(() => undefined);
    };
    document.addEventListener('visibilitychange', onHide);
    return () => document.removeEventListener('visibilitychange', onHide);
  }, [door]);
  useEffect(() => {
    if (waiting === 0 || !online) return;
    const timer = setInterval(() => void upload(), queueRetryMs);
    return () => clearInterval(timer);
  }, [waiting, online, upload]);

  const refresh = useCallback(() => {
    if (!opened || !navigator.onLine) return;
    void door.sync().catch(() => undefined);
  }, [door, opened]);

  // The copy: downloaded once open, then its changes while online and visible.
  useEffect(() => {
    if (!opened || !online) return;
    refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') refresh();
    }, verifierPollMs);
    return () => clearInterval(timer);
  }, [opened, online, refresh]);

  const queued = useCallback(() => {
    setWaiting((n) => n + 1);
    void upload();
  }, [upload]);

  const dismissNotice = useCallback((scanId: string) => {
    setNotices((current) => {
      const next = current.filter((notice) => notice.scanId !== scanId);
      void saveNotices(next);
      return next;
    });
  }, []);

  return { status, waiting, problems, notices, refresh, queued, dismissNotice };
}
