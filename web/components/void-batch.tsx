import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan } from '@tabler/icons-react';
import { useState } from 'react';
import type { BatchSummary } from '../../shared/event-activity.js';
import { ActivityLimits } from '../../shared/event-activity.js';
import { describeError } from '../api/errors.js';
import { formatCount } from '../lib/format.js';
import { useVoidBatch } from '../queries/void.js';

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
  const length = [...reason.trim()].length;
  const tooLong = length > ActivityLimits.reasonMax;
  if (ok === 0 && !voidBatch.isPending) return null;

  const close = () => {
    setOpened(false);
    voidBatch.reset();
  };
  const onConfirm = () => {
    if (tooLong) return;
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
      <Button
        size="xs"
        variant="default"
        color="red"
        className="danger-action"
        leftSection={<IconBan size={14} aria-hidden />}
        onClick={() => setOpened(true)}
        loading={voidBatch.isPending}
        aria-label={`Void the ${tickets(ok)} of ${when} not yet redeemed`}
      >
        Void
      </Button>
      <Modal opened={opened} onClose={close} title={`Void ${tickets(ok)}?`} centered>
        <Stack>
          <Text size="sm" data-testid="void-batch-summary">
            The {tickets(ok)} of the batch of {when} that are still OK will be refused at every door with a red VOID.
            {batch.redeemed > 0 ? ` The ${tickets(batch.redeemed)} already redeemed stay as they are.` : ''} Each one
            can be unvoided from its page or the tickets table.
          </Text>
          <Textarea
            label="Reason (optional)"
            description="Shown at the door and in the scan log, e.g. “sent to the wrong list”."
            autosize
            minRows={2}
            maxRows={4}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={tooLong ? `At most ${ActivityLimits.reasonMax} characters (${length} now).` : null}
            data-autofocus
          />
          {voidBatch.isError && (
            <Alert color="red" variant="light" role="alert" title="Could not void the batch">
              {describeError(voidBatch.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={onConfirm} loading={voidBatch.isPending} disabled={tooLong} color="red.9">
              Void {tickets(ok)}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
