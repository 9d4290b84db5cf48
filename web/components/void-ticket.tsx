import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp, IconInfoCircle } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import type { ListedTicket, OwnerTicket } from '../../shared/schemas.js';
import { describeError, hasCode } from '../api/errors.js';
import { formatTimestamp } from '../lib/format.js';
import { unvoidAndRefresh, useUnvoidTicket, useVoidTicket } from '../queries/void.js';
import { ReasonDialog, VoidButton } from './reason-dialog.js';

/** What a refused void or unvoid means, in the organiser's words. */
export function voidProblem(error: unknown): string {
  if (hasCode(error, ErrorCode.ticketRedeemed)) {
    return 'This ticket is redeemed: a guest came in with it. Undo the admission first, then void it.';
  }
  if (hasCode(error, ErrorCode.ticketNotVoid)) {
    return 'This ticket is not void any more (it was made OK again elsewhere). It now shows as it is.';
  }
  return describeError(error);
}

/** A short reference to a ticket for headings and labels: its first 8 characters (the rest is a secret). */
const shortId = (ticketId: string) => ticketId.slice(0, 8);

/**
 * The confirmation of a void: an optional reason (shown at the door and in the scan log), then the
 * ticket admits no one until it is unvoided. A refusal (409) stays in the dialog, in plain words.
 */
export function VoidTicketDialog({
  ticket,
  opened,
  onClose,
}: {
  ticket: Pick<ListedTicket, 'id' | 'eventId' | 'label'>;
  opened: boolean;
  onClose: () => void;
}) {
  const [reason, setReason] = useState('');
  const voidTicket = useVoidTicket(ticket.id, ticket.eventId);
  const queryClient = useQueryClient();

  const close = () => {
    onClose();
    voidTicket.reset();
  };
  const onConfirm = () => {
    voidTicket.mutate(reason, {
      onSuccess: () => {
        onClose();
        setReason('');
        // Cheap to undo, so no second question: Unvoid is offered right here and on the ticket.
        const id = `voided-${ticket.id}`;
        notifications.show({
          id,
          color: 'red.8',
          title: 'Ticket voided',
          message: (
            <Stack gap={6} align="flex-start">
              <Text size="sm">It admits no one now: every door answers VOID.</Text>
              <Button
                size="compact-sm"
                variant="default"
                leftSection={<IconArrowBackUp size={14} aria-hidden />}
                onClick={() => {
                  notifications.hide(id);
                  unvoidAndRefresh(queryClient, ticket.id, ticket.eventId).then(
                    () => notifications.show({ color: 'green', title: 'Ticket unvoided', message: 'It is OK again.' }),
                    (error: unknown) =>
                      notifications.show({ color: 'red', title: 'Could not unvoid', message: voidProblem(error) }),
                  );
                }}
              >
                Unvoid
              </Button>
            </Stack>
          ),
        });
      },
    });
  };

  return (
    <ReasonDialog
      opened={opened}
      onClose={close}
      title="Void this ticket?"
      reasonDescription="Shown at the door and in the scan log, e.g. “refunded”."
      reason={reason}
      onReasonChange={setReason}
      problem={voidTicket.isError ? { title: 'Could not void', text: voidProblem(voidTicket.error) } : null}
      confirmLabel="Void ticket"
      confirmColor="red.9"
      pending={voidTicket.isPending}
      onConfirm={onConfirm}
    >
      <Text size="sm">
        Ticket <span className="ticket-id">{shortId(ticket.id)}…</span>
        {ticket.label ? ` (${ticket.label})` : ''} will be refused at every door with a red VOID, and its link stops
        working. You can unvoid it later.
      </Text>
    </ReasonDialog>
  );
}

/** Unvoid: no confirmation (voiding again is one click away), the answer in a notification. */
export function UnvoidButton({
  ticket,
  size = 'md',
}: {
  ticket: Pick<ListedTicket, 'id' | 'eventId'>;
  size?: 'md' | 'xs';
}) {
  const unvoid = useUnvoidTicket(ticket.id, ticket.eventId);
  return (
    <Button
      size={size}
      variant="default"
      leftSection={<IconArrowBackUp size={size === 'md' ? 18 : 14} aria-hidden />}
      loading={unvoid.isPending}
      aria-label={size === 'xs' ? `Unvoid ticket ${shortId(ticket.id)}` : undefined}
      onClick={() =>
        unvoid.mutate(undefined, {
          onSuccess: () =>
            notifications.show({
              color: 'green',
              title: 'Ticket unvoided',
              message: 'It is OK again: the next scan admits it.',
            }),
          onError: (error) =>
            notifications.show({ color: 'red', title: 'Could not unvoid', message: voidProblem(error) }),
        })
      }
    >
      Unvoid
    </Button>
  );
}

/**
 * The ticket page's void controls: Void ticket (with a reason) for an OK ticket; the reason and
 * Unvoid for a void one; for a redeemed one, why it can't be voided until the admission is undone.
 */
export function VoidTicketSection({ ticket }: { ticket: OwnerTicket }) {
  const [opened, setOpened] = useState(false);
  // The dialog stays mounted whatever the status: a void refused because the ticket was redeemed
  // meanwhile (409) says so in it, while the page behind already shows the ticket as it is.
  const dialog = <VoidTicketDialog ticket={ticket} opened={opened} onClose={() => setOpened(false)} />;

  if (ticket.status === 'redeemed') {
    return (
      <>
        <Alert variant="light" color="gray" icon={<IconInfoCircle aria-hidden />} data-testid="void-redeemed-note">
          A redeemed ticket can’t be voided: a guest came in with it. Undo the admission first, then void it.
        </Alert>
        {dialog}
      </>
    );
  }
  if (ticket.status === 'void') {
    return (
      <Stack gap="sm" data-testid="void-details">
        <Text size="sm">
          Voided {ticket.voidedAt ? formatTimestamp(ticket.voidedAt) : 'earlier'}.{' '}
          {ticket.voidReason ? (
            <>
              Reason: <strong style={{ overflowWrap: 'anywhere' }}>{ticket.voidReason}</strong>
            </>
          ) : (
            'No reason given.'
          )}
        </Text>
        <Group>
          <UnvoidButton ticket={ticket} />
        </Group>
      </Stack>
    );
  }
  return (
    <>
      <Group data-testid="void-controls">
        <VoidButton size="md" onClick={() => setOpened(true)}>
          Void ticket
        </VoidButton>
      </Group>
      {dialog}
    </>
  );
}

/** The tickets table's row action: Void… for an OK ticket, Unvoid for a void one, nothing for a redeemed one. */
export function VoidRowAction({ ticket }: { ticket: ListedTicket }) {
  const [opened, setOpened] = useState(false);
  const dialog = <VoidTicketDialog ticket={ticket} opened={opened} onClose={() => setOpened(false)} />;
  if (ticket.status === 'void') return <UnvoidButton ticket={ticket} size="xs" />;
  if (ticket.status !== 'ok') return dialog;
  return (
    <>
      <VoidButton
        size="xs"
        onClick={() => setOpened(true)}
        aria-label={`Void ticket ${shortId(ticket.id)}${ticket.label ? ` (${ticket.label})` : ''}`}
      >
        Void
      </VoidButton>
      {dialog}
    </>
  );
}
