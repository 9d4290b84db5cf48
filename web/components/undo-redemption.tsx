import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useState } from 'react';
import { ActivityLimits } from '../../shared/event-activity.js';
import type { OwnerTicket } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import { formatTimestamp } from '../lib/format.js';
import { useUndoRedemption } from '../queries/tickets.js';

/** What a refused undo means to the organiser. */
function undoProblem(error: unknown): string {
  // 409: the ticket is not redeemed (any more): someone undid it meanwhile, at a door or in another tab.
  if (error instanceof ApiError && error.status === 409) {
    return 'This ticket is not redeemed any more: its admission was already undone. The page now shows it as it is.';
  }
  return describeError(error);
}

/**
 * "Undo admission" for a redeemed ticket: a confirmation with an optional reason (kept in the scan
 * log), then the ticket is OK again and its event's counters, log and chart follow.
 */
export function UndoRedemption({ ticket }: { ticket: OwnerTicket }) {
  const [opened, modal] = useDisclosure(false);
  const [reason, setReason] = useState('');
  const undo = useUndoRedemption(ticket.id);
  const tooLong = reason.length > ActivityLimits.reasonMax;

  const close = () => {
    modal.close();
    undo.reset();
  };
  const onConfirm = () => {
    if (tooLong) return;
    undo.mutate(reason, {
      onSuccess: () => {
        modal.close();
        setReason('');
        notifications.show({
          color: 'green',
          title: 'Admission undone',
          message: 'The ticket is OK again: it will be admitted at the next scan.',
        });
      },
    });
  };

  return (
    <>
      {/* The button is for a redeemed ticket; the dialog stays to say why an undo was refused. */}
      {ticket.status === 'redeemed' && (
        <Button
          size="md"
          variant="default"
          leftSection={<IconArrowBackUp size={18} aria-hidden />}
          onClick={modal.open}
          loading={undo.isPending}
        >
          Undo admission
        </Button>
      )}
      <Modal opened={opened} onClose={close} title="Undo this admission?" centered>
        <Stack>
          <Text size="sm">
            The ticket was redeemed {ticket.redeemedAt ? formatTimestamp(ticket.redeemedAt) : 'earlier'}. Undoing makes
            it OK again: the next scan at any door admits it. The scan log keeps the admission and this undo.
          </Text>
          <Textarea
            label="Reason (optional)"
            description="Shown in the scan log, e.g. “scanned the wrong guest’s ticket”."
            autosize
            minRows={2}
            maxRows={4}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={tooLong ? `At most ${ActivityLimits.reasonMax} characters (${reason.length} now).` : null}
            data-autofocus
          />
          {undo.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not undo">
              {undoProblem(undo.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {undo.isError ? 'Close' : 'Cancel'}
            </Button>
            <Button onClick={onConfirm} loading={undo.isPending} disabled={tooLong} color="red.8">
              Undo admission
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
