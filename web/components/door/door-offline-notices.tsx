import { Alert, CloseButton, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { formatDoorTime } from '../../lib/door-verdicts.js';
import type { DoubleEntryNotice, QueuedScan } from '../../lib/offline-store.js';
import { shortTicketId } from '../../lib/ticket-id.js';

/** The words of a double-entry notice. */
export function describeDoubleEntry(notice: DoubleEntryNotice): string {
  const ticket = notice.ticketId ? shortTicketId(notice.ticketId) : 'A ticket';
  const where = notice.door ? ` at ${notice.door}` : ' at another door';
  const when = notice.at ? ` at ${formatDoorTime(notice.at)}` : '';
  return `Ticket ${ticket} was also admitted${where}${when}: double entry`;
}

/**
 * What the upload of this phone's offline scans brought back: each double entry (a ticket admitted
 * here offline had been admitted elsewhere first), kept until dismissed, even across reloads; and the
 * queued scans the server refused, with why (they stay queued).
 */
export function DoorOfflineNotices({
  notices,
  problems,
  onDismiss,
}: {
  notices: DoubleEntryNotice[];
  problems: QueuedScan[];
  onDismiss: (scanId: string) => void;
}) {
  if (notices.length === 0 && problems.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="door-offline-notices">
      {notices.map((notice) => (
        <Alert
          key={notice.scanId}
          color="yellow"
          variant="filled"
          c="dark.9"
          p="xs"
          icon={<IconAlertTriangle size={20} aria-hidden />}
          data-testid="door-double-entry"
        >
          <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
            <Text fw={700} size="sm" c="dark.9">
              {describeDoubleEntry(notice)}
            </Text>
            <CloseButton
              aria-label="Dismiss this double-entry notice"
              c="dark.9"
              onClick={() => onDismiss(notice.scanId)}
            />
          </Group>
        </Alert>
      ))}
      {problems.map((scan) => (
        <Alert key={scan.scanId} color="red" variant="light" p="xs" data-testid="door-queue-problem">
          <Text size="sm">
            Scan of {scan.ticketId ? shortTicketId(scan.ticketId) : 'a code'} at {formatDoorTime(scan.at)} not sent:{' '}
            {scan.problem}
          </Text>
        </Alert>
      ))}
    </Stack>
  );
}
