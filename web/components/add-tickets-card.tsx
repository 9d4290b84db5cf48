import { Button, Card, Group, NumberInput, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileSpreadsheet, IconFileTypePdf, IconPlus } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { AddTicketsResponse } from '../../shared/schemas.js';
import { Limits } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { ticketsPdfUrl } from '../api/events.js';
import { formatCount } from '../lib/format.js';
import { useDownload } from '../lib/use-download.js';
import { usePdfLayout } from '../lib/use-pdf-layout.js';
import { validateTicketCount } from '../lib/validation.js';
import { useAddTickets } from '../queries/events.js';

type Format = 'csv' | 'pdf';

/** Adds a batch of tickets and at once downloads exactly that batch, as CSV or as a PDF to print. */
export function AddTicketsCard({ eventId }: { eventId: string }) {
  const add = useAddTickets(eventId);
  const [count, setCount] = useState<number | string>(10);
  const [submitted, setSubmitted] = useState(false);
  const [lastBatch, setLastBatch] = useState<AddTicketsResponse | null>(null);
  const error = submitted ? validateTicketCount(count) : null;
  const [format, setFormat] = useState<Format>('csv');
  const [layout] = usePdfLayout();
  const again = useDownload();
  const urlOf = (batch: AddTicketsResponse, as: Format) =>
    as === 'csv' ? batch.downloadUrl : ticketsPdfUrl(eventId, { status: 'all', batch: batch.batch.id, layout });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (validateTicketCount(count)) return;
    add.mutate(Number(count), {
      onSuccess: (result) => {
        setSubmitted(false);
        setLastBatch(result);
        void again.download(urlOf(result, format));
        notifications.show({
          color: 'green',
          title: `${formatCount(result.batch.count)} tickets added`,
          message: format === 'csv' ? 'Their CSV is downloading.' : 'Their PDF is downloading.',
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
        The new tickets download right away, as a CSV or a PDF to print; every batch stays listed below.
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
        <Group gap="xs" mt="xs" wrap="wrap">
          <Text size="sm" id="add-tickets-format">
            Download as
          </Text>
          <SegmentedControl
            size="xs"
            aria-labelledby="add-tickets-format"
            value={format}
            onChange={(value) => setFormat(value === 'pdf' ? 'pdf' : 'csv')}
            data={[
              { value: 'csv', label: 'CSV' },
              { value: 'pdf', label: 'PDF' },
            ]}
          />
        </Group>
      </form>
      {lastBatch && (
        <Stack gap={4} mt="sm">
          <Text size="sm">Last batch: {formatCount(lastBatch.batch.count)} tickets. Download again:</Text>
          <Group gap="xs" wrap="wrap">
            {(['csv', 'pdf'] as const).map((as) => {
              const url = urlOf(lastBatch, as);
              return (
                <Button
                  key={as}
                  variant="default"
                  size="compact-sm"
                  leftSection={
                    as === 'csv' ? (
                      <IconFileSpreadsheet size={14} aria-hidden />
                    ) : (
                      <IconFileTypePdf size={14} aria-hidden />
                    )
                  }
                  onClick={() => again.download(url)}
                  loading={again.pending === url}
                  aria-label={`Download the last batch again as ${as.toUpperCase()}`}
                >
                  {as.toUpperCase()}
                </Button>
              );
            })}
          </Group>
        </Stack>
      )}
    </Card>
  );
}
