import { Button, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useState } from 'react';
import type { OwnerTicket } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import { formatTimestamp } from '../lib/format.js';
import { useUndoRedemption } from '../queries/tickets.js';
import { ReasonDialog } from './reason-dialog.js';

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

  const close = () => {
    modal.close();
    undo.reset();
  };
  const onConfirm = () => {
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
      <ReasonDialog
        opened={opened}
        onClose={close}
        title="Undo this admission?"
        reasonDescription="Shown in the scan log, e.g. “scanned the wrong guest’s ticket”."
        reason={reason}
        onReasonChange={setReason}
        problem={undo.isError ? { title: 'Could not undo', text: undoProblem(undo.error) } : null}
        confirmLabel="Undo admission"
        confirmColor="red.8"
        pending={undo.isPending}
        onConfirm={onConfirm}
      >
        <Text size="sm">
          The ticket was redeemed {ticket.redeemedAt ? formatTimestamp(ticket.redeemedAt) : 'earlier'}. Undoing makes it
          OK again: the next scan at any door admits it. The scan log keeps the admission and this undo.
        </Text>
      </ReasonDialog>
    </>
  );
}
