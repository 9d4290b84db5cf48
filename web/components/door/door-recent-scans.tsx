import { Alert, Button, Card, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { Scan } from '../../../shared/door.js';
import { ErrorCode } from '../../../shared/error-codes.js';
import { doorAccessLost } from '../../api/door.js';
import { describeError, hasCode } from '../../api/errors.js';
import { findUndoable } from '../../lib/door-undo.js';
import { formatDoorTime } from '../../lib/door-verdicts.js';
import { shortTicketId } from '../../lib/ticket-id.js';
import { useUndoDoorScan } from '../../queries/door.js';
import { ScanOutcomeBadge } from '../scan-outcome-badge.js';

/** How long the "Tap again to undo" confirmation waits for its second tap. */
const confirmMs = 5_000;

/** This device's last 20 scans, with Undo on the last admission (10 minutes). */
export function DoorRecentScans({
  scans,
  error,
  onUndone,
  onAccessLost,
  offline = false,
}: {
  scans: Scan[] | undefined;
  error: unknown;
  /** The phone is offline: the list (the server's) comes back with the connection. */
  offline?: boolean;
  onUndone: (ticketId: string) => void;
  onAccessLost: (why: 'revoked' | 'signed_out') => void;
}) {
  const undo = useUndoDoorScan();
  const [now, setNow] = useState(() => Date.now());
  // Re-render now and then, so Undo disappears when its 10 minutes are up.
  useInterval(() => setNow(Date.now()), 15_000, { autoInvoke: true });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (!confirming) return;
    const timer = setTimeout(() => setConfirming(null), confirmMs);
    return () => clearTimeout(timer);
  }, [confirming]);

  const undoable = scans ? findUndoable(scans, now) : null;

  const onUndo = (scan: Scan) => {
    if (confirming !== scan.id) {
      setConfirming(scan.id);
      setMessage(null);
      return;
    }
    setConfirming(null);
    undo.mutate(scan.id, {
      onSuccess: ({ ticket }) => {
        onUndone(ticket.id);
        setMessage({ ok: true, text: `Admission undone: ticket ${shortTicketId(ticket.id)} is valid again.` });
      },
      onError: (err) => {
        const lost = doorAccessLost(err);
        if (lost) return onAccessLost(lost);
        const tooLate = hasCode(err, ErrorCode.undoNotAllowed) || hasCode(err, ErrorCode.scanNotFound);
        setMessage({
          ok: false,
          text: tooLate
            ? 'This admission can no longer be undone (over 10 minutes, or already undone).'
            : `Could not undo: ${describeError(err)}`,
        });
      },
    });
  };

  return (
    <Card withBorder radius="md" padding="sm" component="section" aria-labelledby="recent-scans-title">
      <Title order={2} size="h5" id="recent-scans-title" mb={6}>
        Recent scans on this device
      </Title>
      {message && (
        <Alert
          color={message.ok ? 'teal' : 'red'}
          variant="light"
          p="xs"
          mb="xs"
          role="status"
          data-testid="undo-result"
        >
          {message.text}
        </Alert>
      )}
      {undoable && (
        <Group
          justify="space-between"
          gap="xs"
          wrap="wrap"
          p="xs"
          mb="xs"
          className="door-undo-bar"
          data-testid="door-undo"
        >
          <Text size="sm" style={{ minWidth: 0 }}>
            Last admission {formatDoorTime(undoable.at)} ·{' '}
            <span className="ticket-id">{undoable.ticketId ? shortTicketId(undoable.ticketId) : ''}</span>
          </Text>
          <Button
            size="md"
            variant={confirming === undoable.id ? 'filled' : 'default'}
            color={confirming === undoable.id ? 'red.8' : undefined}
            leftSection={<IconArrowBackUp size={16} aria-hidden />}
            onClick={() => onUndo(undoable)}
            loading={undo.isPending}
          >
            {confirming === undoable.id ? 'Tap again to undo' : 'Undo'}
          </Button>
        </Group>
      )}
      {offline && !scans ? (
        <Text size="sm" c="dimmed" data-testid="recent-scans-offline">
          Offline: this list comes back with the connection. Scans made meanwhile are counted as waiting above.
        </Text>
      ) : error && !scans ? (
        <Text size="sm" c="red.8">
          Could not load the recent scans: {describeError(error)}
        </Text>
      ) : !scans ? (
        <Stack gap={6} role="status" aria-busy="true" aria-label="Loading recent scans">
          {[0, 1, 2].map((i) => (
            <Skeleton key={i} h={28} />
          ))}
        </Stack>
      ) : scans.length === 0 ? (
        <Text size="sm" c="dimmed">
          No scans yet. Scan a ticket: the answer fills the screen.
        </Text>
      ) : (
        <Stack component="ol" gap={0} m={0} p={0} style={{ listStyle: 'none' }} data-testid="recent-scans">
          {scans.map((scan) => (
            <Group
              component="li"
              key={`${scan.id}-${scan.outcome}`}
              gap="xs"
              wrap="nowrap"
              py={6}
              className="door-recent-row"
              data-outcome={scan.outcome}
            >
              <Text size="sm" className="tabular" c="dimmed" style={{ flexShrink: 0 }}>
                {formatDoorTime(scan.at)}
              </Text>
              <ScanOutcomeBadge outcome={scan.outcome} />
              <Text size="sm" className="ticket-id" style={{ flexShrink: 0 }}>
                {scan.ticketId ? shortTicketId(scan.ticketId) : '—'}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
