import { Badge, Button, Card, Group, Skeleton, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconFileSpreadsheet, IconFileTypePdf } from '@tabler/icons-react';
import { ticketsCsvUrl, ticketsPdfUrl } from '../../api/events.js';
import { formatCount, formatShortTimestamp } from '../../lib/format.js';
import { useDownload } from '../../lib/use-download.js';
import { usePdfLayout } from '../../lib/use-pdf-layout.js';
import { useBatches } from '../../queries/event-activity.js';
import { QueryError } from '../route-states.js';
import { VoidBatchButton } from '../void-batch.js';

function percentOf(part: number, whole: number): string {
  if (!whole) return '0%';
  const p = (part / whole) * 100;
  return p > 0 && p < 1 ? '<1%' : `${Math.floor(p)}%`;
}

/**
 * The event's ticket batches, newest first: when, how many, how many redeemed so far, and each one's
 * tickets again as CSV or PDF (the answer is checked first, so an expired session goes to login and back).
 */
export function BatchesCard({ eventId, poll }: { eventId: string; poll: boolean }) {
  const batches = useBatches(eventId, poll);
  const { download, pending } = useDownload();
  const [layout] = usePdfLayout();
  const items = [...(batches.data ?? [])].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));

  return (
    <Card withBorder radius="lg" padding={0} component="section" aria-labelledby="batches-title">
      <Stack gap={2} p="md" pb="xs">
        <Title order={2} size="h4" id="batches-title">
          Ticket batches
        </Title>
        <Text size="sm" c="dimmed">
          The tickets made with the event, and each batch added since. Download a batch again at any time: CSV for a
          mail merge, PDF to print. Void cancels the tickets of a batch that are not redeemed yet.
        </Text>
      </Stack>
      {batches.isError && !batches.data ? (
        <Stack p="md">
          <QueryError error={batches.error} onRetry={() => void batches.refetch()} title="Could not load the batches" />
        </Stack>
      ) : !batches.data ? (
        <Stack p="md" gap="xs" role="status" aria-busy="true" aria-label="Loading batches">
          <Skeleton h={32} />
          <Skeleton h={32} />
        </Stack>
      ) : (
        <Table verticalSpacing="xs" aria-label="Ticket batches" data-testid="batches">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Created</Table.Th>
              <Table.Th ta="right">Tickets</Table.Th>
              <Table.Th ta="right" visibleFrom="xs">
                Redeemed
              </Table.Th>
              <Table.Th>
                <VisuallyHidden>Downloads and void</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((batch) => {
              const csv = ticketsCsvUrl(eventId, { status: 'all', batch: batch.id });
              const pdf = ticketsPdfUrl(eventId, { status: 'all', batch: batch.id, layout });
              const when = formatShortTimestamp(batch.createdAt);
              return (
                <Table.Tr key={batch.id} data-testid="batch-row">
                  <Table.Td>
                    <Group gap={6} wrap="wrap">
                      <Text size="sm">{when}</Text>
                      {batch.initial && (
                        <Badge size="sm" variant="default" radius="sm" tt="none">
                          First batch
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm" className="tabular">
                      {formatCount(batch.count)}
                    </Text>
                    <Text size="xs" c="dimmed" className="tabular" hiddenFrom="xs">
                      {formatCount(batch.redeemed)} redeemed
                    </Text>
                    {batch.voided > 0 && (
                      <Text size="xs" c="red.9" className="tabular" data-testid="batch-voided">
                        {formatCount(batch.voided)} void
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" visibleFrom="xs">
                    <Text size="sm" className="tabular">
                      {formatCount(batch.redeemed)}{' '}
                      <Text span c="dimmed" inherit>
                        ({percentOf(batch.redeemed, batch.count)})
                      </Text>
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="wrap">
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconFileSpreadsheet size={14} aria-hidden />}
                        onClick={() => download(csv)}
                        loading={pending === csv}
                        aria-label={`Download the ${formatCount(batch.count)} tickets of ${when} as CSV`}
                      >
                        CSV
                      </Button>
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconFileTypePdf size={14} aria-hidden />}
                        onClick={() => download(pdf)}
                        loading={pending === pdf}
                        aria-label={`Download the ${formatCount(batch.count)} tickets of ${when} as PDF`}
                      >
                        PDF
                      </Button>
                      <VoidBatchButton eventId={eventId} batch={batch} when={when} />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}
