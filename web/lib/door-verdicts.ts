import type { ScanOutcome } from '../../shared/door.js';
import type { FailureReason } from './door-scan-machine.js';

/** How the door answers: what it says, in which colours, and which sound and vibration go with it. */
export interface VerdictLook {
  /** The word read from across the room. */
  word: string;
  tone: 'admit' | 'refuse' | 'wrong' | 'unknown' | 'warn';
  background: string;
  foreground: string;
  /** Sound and vibration: admit, refuse, or a third pattern for "not checked". */
  feedback: 'admit' | 'refuse' | 'warn';
}

/**
 * Colours of the full-screen answers. Each pair passes WCAG AA (4.5:1) for its text, checked by a
 * unit test; the word and an icon always go with the colour, so colour is never the only cue.
 */
export const verdictColors = {
  admit: { background: '#1b7a34', foreground: '#ffffff' },
  refuse: { background: '#b3261e', foreground: '#ffffff' },
  amber: { background: '#f2b705', foreground: '#1f1500' },
  grey: { background: '#495057', foreground: '#ffffff' },
} as const;

const looks: Record<ScanOutcome, VerdictLook> = {
  admitted: { word: 'ADMITTED', tone: 'admit', ...verdictColors.admit, feedback: 'admit' },
  already_redeemed: { word: 'ALREADY USED', tone: 'refuse', ...verdictColors.refuse, feedback: 'refuse' },
  wrong_event: { word: 'WRONG EVENT', tone: 'wrong', ...verdictColors.amber, feedback: 'refuse' },
  not_found: { word: 'NOT FOUND', tone: 'unknown', ...verdictColors.grey, feedback: 'refuse' },
  unreadable: { word: 'UNREADABLE', tone: 'unknown', ...verdictColors.grey, feedback: 'refuse' },
  void: { word: 'VOID', tone: 'refuse', ...verdictColors.refuse, feedback: 'refuse' },
  // An upload of an offline admission of a ticket admitted elsewhere first (never a live verdict).
  offline_double_entry: { word: 'DOUBLE ENTRY', tone: 'wrong', ...verdictColors.amber, feedback: 'refuse' },
};

/** The look of a decided outcome. */
export function verdictLook(outcome: ScanOutcome): VerdictLook {
  return looks[outcome];
}

/** The look of an attempt that got no decision: never a verdict, always "not checked". */
export const notCheckedLook: VerdictLook = {
  word: 'NOT CHECKED',
  tone: 'warn',
  ...verdictColors.amber,
  feedback: 'warn',
};

/** Why a scan was not checked, in a volunteer's words. */
export function describeFailure(reason: FailureReason, detail?: string): string {
  switch (reason) {
    case 'offline':
      // detail: why the phone's own copy of the tickets could not decide (a typed prefix, say).
      return `No connection: this phone is offline. The guest was not checked.${detail ? ` ${detail}` : ''}`;
    case 'timeout':
      return 'No connection: the server did not answer in time. The guest may or may not be checked in: try again.';
    case 'network':
      return 'No connection: the server could not be reached. Try again.';
    case 'server':
      return 'The server had a problem and did not decide. Try again.';
    case 'refused':
      return detail ? `The server did not accept this scan: ${detail}` : 'The server did not accept this scan.';
  }
}

/** The first admission's time as a door shows it: local wall-clock time to the second, e.g. "20:15:03". */
export function formatDoorTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Words for the recent-scans list. */
export const outcomeLabels: Record<ScanOutcome | 'undone' | 'voided' | 'unvoided', string> = {
  admitted: 'Admitted',
  already_redeemed: 'Already used',
  wrong_event: 'Wrong event',
  not_found: 'Not found',
  unreadable: 'Unreadable',
  void: 'Void',
  offline_double_entry: 'Double entry (offline)',
  undone: 'Undone',
  voided: 'Voided',
  unvoided: 'Unvoided',
};
