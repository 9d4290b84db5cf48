import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import type { BatchSummary } from '../../shared/event-activity.js';
import { describeError } from '../api/errors.js';
import { formatCount } from '../lib/format.js';
import { useVoidBatch } from '../queries/void.js';
import { ReasonDialog, VoidButton } from './reason-dialog.js';

const tickets = (n: number) => `${formatCount(n)} ${n === 1 ? 'ticket' : 'tickets'}`;

/** The OK tickets of a batch, the ones a void would cancel (redeemed and void ones stay as they are). */
export const okTicketsOf = (batch: BatchSummary) => Math.max(0, batch.count - batch.redeemed - batch.voided);

/**
 * "Void" on a batch: a confirmation naming how many OK tickets it cancels (a batch sent to the
 * wrong list), an optional reason, then a notification with the count actually voided.
 */
export function VoidBatchButton({ eventId, batch, when }: { eventId: string; batch: BatchSummary; when: string }) {
  const [opened, setOpened] = useState(false);
  const [reason, setReason] = useState('');
  const voidBatch = useVoidBatch(eventId);
  const ok = okTicketsOf(batch);
  if (ok === 0 && !voidBatch.isPending) return null;

  const close = () => {
    setOpened(false);
    voidBatch.reset();
  };
  const onConfirm = () => {
    voidBatch.mutate(
      { batchId: batch.id, reason },
      {
        onSuccess: (voided) => {
          setOpened(false);
          setReason('');
          notifications.show({
            color: 'red.8',
            title: voided ? `${tickets(voided)} voided` : 'Nothing to void',
            message: voided
              ? `Every OK ticket of the batch of ${when} is void now: doors answer VOID.`
              : 'The batch holds no OK ticket any more.',
          });
        },
      },
    );
  };

  return (
    <>
      <VoidButton
        size="xs"
        onClick={() => setOpened(true)}
        loading={voidBatch.isPending}
        aria-label={`Void the ${tickets(ok)} of ${when} not yet redeemed`}
      >
        Void
      </VoidButton>
      <ReasonDialog
        opened={opened}
        onClose={close}
        title={`Void ${tickets(ok)}?`}
        reasonDescription="Shown at the door and in the scan log, e.g. “sent to the wrong list”."
        reason={reason}
        onReasonChange={setReason}
        problem={voidBatch.isError ? { title: 'Could not void the batch', text: describeError(voidBatch.error) } : null}
        confirmLabel={`Void ${tickets(ok)}`}
        confirmColor="red.9"
        pending={voidBatch.isPending}
        onConfirm={onConfirm}
      >
        <Text size="sm" data-testid="void-batch-summary">
          The {tickets(ok)} of the batch of {when} that are still OK will be refused at every door with a red VOID.
          {batch.redeemed > 0 ? ` The ${tickets(batch.redeemed)} already redeemed stay as they are.` : ''} Each one can
          be unvoided from its page or the tickets table.
        </Text>
      </ReasonDialog>
    </>
  );
}
