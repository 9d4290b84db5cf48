import { DoorLimits, type Scan } from '../../shared/door.js';

/**
 * The admission this device may still undo: its latest admission, when no undo of that ticket came
 * after it and it is less than 10 minutes old. `scans` is newest first, as GET /api/door/scans lists them.
 */
export function findUndoable(scans: readonly Scan[], now: number): Scan | null {
  const index = scans.findIndex((s) => s.outcome === 'admitted');
  const admission = index >= 0 ? scans[index] : undefined;
  if (!admission) return null;
  const undoneSince = scans.slice(0, index).some((s) => s.outcome === 'undone' && s.ticketId === admission.ticketId);
  if (undoneSince) return null;
  const age = now - new Date(admission.at).getTime();
  return age < DoorLimits.undoMinutes * 60_000 ? admission : null;
}
