import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ScanAnswer, sendDoorScan } from '../api/door.js';
import { doorKeys } from '../queries/door.js';
import { playFeedback, unlockDoorAudio } from './door-feedback.js';
import {
  dismissScan,
  forgetCode,
  initialScanMachine,
  isUnanswered,
  retryScan,
  type ScanAttempt,
  type ScanMachine,
  type ScanSource,
  type Step,
  scanAmbiguous,
  scanCode,
  scanDecided,
  scanFailed,
  scanUnanswered,
  tickScan,
} from './door-scan-machine.js';
import { notCheckedLook, verdictLook } from './door-verdicts.js';
import type { OfflineDoor } from './offline-door.js';
import { scanUuid } from './uuid.js';
import { emptyWedgeBuffer, feedWedgeKey, isEditableTarget } from './wedge-buffer.js';

export interface DoorScanner {
  machine: ScanMachine;
  /** A code from the camera, a scanner or the typing field. */
  submit: (code: string, source: ScanSource) => Step['ignored'];
  retry: () => void;
  dismiss: () => void;
  /** After an undo: the ticket may be scanned again at once. */
  forget: (code: string) => void;
}

/**
 * Runs the door's scan logic (door-scan-machine) against the API: sends what it says to send, once,
 * plays the answer's sound and vibration, brings the page back to ready after a verdict, and listens
 * to keyboard-wedge scanners on the whole document.
 */
export function useDoorScanner({
  onAccessLost,
  offline,
}: {
  onAccessLost: (why: 'revoked' | 'signed_out') => void;
  /** The phone's copy of the tickets, to decide offline; `onQueued` after an offline scan is kept. */
  offline?: { door: OfflineDoor; onQueued: () => void };
}): DoorScanner {
  const queryClient = useQueryClient();
  const [machine, setMachine] = useState(initialScanMachine);
  const machineRef = useRef(machine);
  const onAccessLostRef = useRef(onAccessLost);
  onAccessLostRef.current = onAccessLost;
  const offlineRef = useRef(offline);
  offlineRef.current = offline;
  // Offline codes wait for their hash (Web Crypto is asynchronous), in the order they came.
  const preparing = useRef<Promise<void>>(Promise.resolve());

  const apply = useCallback((next: ScanMachine) => {
    machineRef.current = next;
    setMachine(next);
  }, []);

  const settle = useCallback(
    (attempt: ScanAttempt, answer: ScanAnswer) => {
      const current = machineRef.current;
      switch (answer.kind) {
        case 'decided':
          apply(scanDecided(current, { scanId: attempt.scanId, result: answer.result, now: Date.now() }));
          playFeedback(verdictLook(answer.result.outcome).feedback);
          void queryClient.invalidateQueries({ queryKey: doorKeys.all });
          return;
        case 'ambiguous':
          apply(scanAmbiguous(current, { scanId: attempt.scanId }));
          playFeedback('warn');
          return;
        case 'access_lost':
          onAccessLostRef.current(answer.why);
          return;
        case 'failed': {
          // No answer at all: the phone's copy decides, as offline (its hash is computed first).
          const door = offlineRef.current?.door;
          if (door && isUnanswered(answer.reason)) {
            void door
              .prepare(attempt.code)
              .catch(() => undefined)
              .then(() =>
                runRef.current(
                  scanUnanswered(machineRef.current, {
                    scanId: attempt.scanId,
                    reason: answer.reason,
                    detail: answer.detail,
                    now: Date.now(),
                    decideOffline: offlineRef.current?.door.decide,
                  }),
                ),
              );
            return;
          }
          apply(scanFailed(current, { scanId: attempt.scanId, reason: answer.reason, detail: answer.detail }));
          playFeedback(notCheckedLook.feedback);
          return;
        }
      }
    },
    [apply, queryClient],
  );

  const runRef = useRef<(step: Step) => Step['ignored']>(() => null);
  const run = useCallback(
    (step: Step) => {
      const before = machineRef.current.screen;
      const keep = step.queue;
      const door = offlineRef.current?.door;
      if (keep && door) {
        // Decided offline: the scan is kept on the phone before its verdict shows. The machine moves
        // at once (a camera's next sighting is a repeat), the screen once the scan is stored.
        machineRef.current = step.machine;
        void door.record(keep).then(
          () => {
            setMachine(machineRef.current);
            playFeedback(verdictLook(keep.decision.outcome).feedback);
            offlineRef.current?.onQueued();
          },
          () => {
            apply({
              ...machineRef.current,
              screen: {
                kind: 'not_checked',
                attempt: keep.attempt,
                reason: 'offline',
                detail: 'This phone could not keep the scan. Try again.',
              },
            });
            playFeedback(notCheckedLook.feedback);
          },
        );
        return step.ignored;
      }
      apply(step.machine);
      if (step.send) {
        const attempt = step.send;
        void sendDoorScan({ code: attempt.code, scanId: attempt.scanId }).then((answer) => settle(attempt, answer));
      } else if (step.machine.screen.kind === 'not_checked' && step.machine.screen !== before) {
        playFeedback(notCheckedLook.feedback); // offline: refused before sending anything
      }
      return step.ignored;
    },
    [apply, settle],
  );
  runRef.current = run;

  /** Offline: computes the code's hash first, then steps (in arrival order); online: steps at once. */
  const whenReady = useCallback(
    (code: string | null, step: () => Step): Step['ignored'] => {
      const door = offlineRef.current?.door;
      if (navigator.onLine || !door || code === null) return run(step());
      preparing.current = preparing.current
        .then(() => door.prepare(code))
        .catch(() => undefined)
        .then(() => {
          run(step());
        });
      return null;
    },
    [run],
  );

  const submit = useCallback(
    (code: string, source: ScanSource) =>
      whenReady(code, () =>
        scanCode(machineRef.current, {
          code,
          source,
          now: Date.now(),
          online: navigator.onLine,
          newScanId: () => scanUuid(),
          decideOffline: offlineRef.current?.door.decide,
        }),
      ),
    [whenReady],
  );
  const retry = useCallback(() => {
    unlockDoorAudio();
    const screen = machineRef.current.screen;
    whenReady(screen.kind === 'not_checked' ? screen.attempt.code : null, () =>
      retryScan(machineRef.current, {
        now: Date.now(),
        online: navigator.onLine,
        decideOffline: offlineRef.current?.door.decide,
      }),
    );
  }, [whenReady]);
  const dismiss = useCallback(() => apply(dismissScan(machineRef.current)), [apply]);
  const forget = useCallback((code: string) => apply(forgetCode(machineRef.current, code)), [apply]);

  // A verdict gives way to the ready screen by itself.
  const { screen } = machine;
  useEffect(() => {
    if (screen.kind !== 'verdict') return;
    const timer = setTimeout(
      () => apply(tickScan(machineRef.current, Date.now())),
      Math.max(0, screen.until - Date.now()),
    );
    return () => clearTimeout(timer);
  }, [screen, apply]);

  // Keyboard-wedge scanners type the code and Enter wherever focus is: listen on the whole document,
  // in the capture phase so the Enter that ends a code never also presses a focused button.
  useEffect(() => {
    let buffer = emptyWedgeBuffer;
    const onKeyDown = (event: KeyboardEvent) => {
      unlockDoorAudio();
      if (isEditableTarget(event.target)) {
        buffer = emptyWedgeBuffer;
        return;
      }
      const step = feedWedgeKey(buffer, {
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        isComposing: event.isComposing,
        now: Date.now(),
      });
      buffer = step.buffer;
      if (step.consume) {
        event.preventDefault();
        event.stopPropagation();
      }
      if (step.submit) submit(step.submit, 'scanner');
      else if (event.key === 'Escape' && machineRef.current.screen.kind === 'verdict') dismiss();
    };
    const onPointerDown = () => unlockDoorAudio();
    document.addEventListener('keydown', onKeyDown, true);
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      document.removeEventListener('pointerdown', onPointerDown, true);
    };
  }, [submit, dismiss]);

  return { machine, submit, retry, dismiss, forget };
}
