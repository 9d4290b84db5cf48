import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconAlertOctagon, IconDoorEnter } from '@tabler/icons-react';
import type { OwnerTicket } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { formatTimestamp } from '../lib/format.js';
import { statusColors } from '../lib/status-colors.js';
import { useRedeemTicket } from '../queries/tickets.js';
import { UndoRedemption } from './undo-redemption.js';

/** The Redeem button with its confirmation, the answer when the ticket was already used, and Undo admission. */
export function RedeemSection({ ticket }: { ticket: OwnerTicket }) {
  const [confirming, confirm] = useDisclosure(false);
  const redeem = useRedeemTicket(ticket.id);
  const result = redeem.data;

  const onConfirm = () => {
    confirm.close();
    redeem.mutate(undefined, {
      onSuccess: (outcome) => {
        if (outcome.outcome === 'redeemed') {
          notifications.show({ color: 'green', title: 'Ticket redeemed', message: 'Admit one.' });
        }
      },
      onError: (error) =>
        notifications.show({ color: 'red', title: 'Could not redeem', message: describeError(error) }),
    });
  };

  return (
    <Stack gap="sm">
      {result?.outcome === 'already_redeemed' && ticket.status === 'redeemed' && (
        <Alert
          color={statusColors.redeemed}
          variant="filled"
          icon={<IconAlertOctagon aria-hidden />}
          title="Already redeemed"
          role="alert"
        >
          First redeemed {result.redeemedAt ? formatTimestamp(result.redeemedAt) : 'earlier'}. Refused scans since then:{' '}
          {result.duplicateScans} (including this one).
        </Alert>
      )}
      <Group>
        <Button
          size="md"
          variant={ticket.status === 'ok' ? 'filled' : 'default'}
          leftSection={<IconDoorEnter size={18} aria-hidden />}
          onClick={confirm.open}
          loading={redeem.isPending}
        >
          {ticket.status === 'ok' ? 'Redeem ticket' : 'Redeem again'}
        </Button>
        <UndoRedemption ticket={ticket} />
      </Group>
      <Modal opened={confirming} onClose={confirm.close} title="Redeem this ticket?" centered>
        <Stack>
          <Text size="sm">
            Redeeming admits one person: the same code will be refused at every door afterwards, until you undo it here.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={confirm.close}>
              Cancel
            </Button>
            <Button onClick={onConfirm} data-autofocus>
              Redeem
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
