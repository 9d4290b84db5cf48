import { Anchor, Button, Card, Group, NumberInput, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { AddTicketsResponse } from '../../shared/schemas.js';
import { Limits } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { startDownload } from '../lib/download.js';
import { formatCount } from '../lib/format.js';
import { validateTicketCount } from '../lib/validation.js';
import { useAddTickets } from '../queries/events.js';

/** Adds a batch of tickets and at once downloads the CSV of exactly that batch. */
export function AddTicketsCard({ eventId }: { eventId: string }) {
  const add = useAddTickets(eventId);
  const [count, setCount] = useState<number | string>(10);
  const [submitted, setSubmitted] = useState(false);
  const [lastBatch, setLastBatch] = useState<AddTicketsResponse | null>(null);
  const error = submitted ? validateTicketCount(count) : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (validateTicketCount(count)) return;
    add.mutate(Number(count), {
      onSuccess: (result) => {
        setSubmitted(false);
        setLastBatch(result);
        startDownload(result.downloadUrl);
        notifications.show({
          color: 'green',
          title: `${formatCount(result.batch.count)} tickets added`,
          message: 'Their CSV is downloading.',
        });
      },
      onError: (err) =>
        notifications.show({ color: 'red', title: 'Could not add tickets', message: describeError(err) }),
    });
  };

  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="add-tickets-title">
      <Title order={2} size="h4" id="add-tickets-title" mb={4}>
        Add tickets
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        The new tickets download as a CSV right away.
      </Text>
      <form onSubmit={onSubmit} noValidate>
        <Group align="flex-start" gap="sm" wrap="nowrap">
          <NumberInput
            aria-label="Number of tickets to add"
            name="count"
            min={Limits.ticketsMin}
            max={Limits.ticketsMax}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=","
            value={count}
            onChange={setCount}
            error={error}
            style={{ flex: 1 }}
            miw={0}
          />
          <Button type="submit" loading={add.isPending} leftSection={<IconPlus size={16} aria-hidden />}>
            Add
          </Button>
        </Group>
      </form>
      {lastBatch && (
        <Text size="sm" mt="sm">
          Last batch: {formatCount(lastBatch.batch.count)} tickets.{' '}
          <Anchor href={lastBatch.downloadUrl} download>
            <IconDownload size={14} aria-hidden style={{ verticalAlign: 'middle' }} /> Download again
          </Anchor>
        </Text>
      )}
    </Card>
  );
}
