import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ScanAnswer, sendDoorScan } from '../api/door.js';
import { doorKeys } from '../queries/door.js';
import { playFeedback, unlockDoorAudio } from './door-feedback.js';
import {
  dismissScan,
  forgetCode,
  initialScanMachine,
  retryScan,
  type ScanAttempt,
  type ScanMachine,
  type ScanSource,
  type Step,
  scanAmbiguous,
  scanCode,
  scanDecided,
  scanFailed,
  tickScan,
} from './door-scan-machine.js';
import { notCheckedLook, verdictLook } from './door-verdicts.js';
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
}: {
  onAccessLost: (why: 'revoked' | 'signed_out') => void;
}): DoorScanner {
  const queryClient = useQueryClient();
  const [machine, setMachine] = useState(initialScanMachine);
  const machineRef = useRef(machine);
  const onAccessLostRef = useRef(onAccessLost);
  onAccessLostRef.current = onAccessLost;

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
        case 'failed':
          apply(scanFailed(current, { scanId: attempt.scanId, reason: answer.reason, detail: answer.detail }));
          playFeedback(notCheckedLook.feedback);
          return;
      }
    },
    [apply, queryClient],
  );

  const run = useCallback(
    (step: Step) => {
      const before = machineRef.current.screen;
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

  const submit = useCallback(
    (code: string, source: ScanSource) =>
      run(
        scanCode(machineRef.current, {
          code,
          source,
          now: Date.now(),
          online: navigator.onLine,
          newScanId: () => scanUuid(),
        }),
      ),
    [run],
  );
  const retry = useCallback(() => {
    unlockDoorAudio();
    run(retryScan(machineRef.current, { now: Date.now(), online: navigator.onLine }));
  }, [run]);
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
