import {
  Button,
  Card,
  Group,
  SegmentedControl,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import type { TicketStatus } from '../../shared/schemas.js';
import { formatShortTimestamp } from '../lib/format.js';
import { useTicketPage } from '../queries/events.js';
import { AnchorLink } from './links.js';
import { QueryError } from './route-states.js';
import { TicketStatusBadge } from './ticket-status-badge.js';
import { VoidRowAction } from './void-ticket.js';

const pageSize = 25;

interface Props {
  eventId: string;
  status: TicketStatus | undefined;
  onStatusChange: (status: TicketStatus | undefined) => void;
}

/** An event's tickets, filtered by status, paged by cursor (Previous walks back a stack of cursors). */
export function TicketsTable({ eventId, status, onStatusChange }: Props) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const [filterKey, setFilterKey] = useState(`${status}:${q}`);
  if (filterKey !== `${status}:${q}`) {
    // A new filter or search starts again on its first page.
    setFilterKey(`${status}:${q}`);
    setCursors([undefined]);
  }
  const cursor = cursors[cursors.length - 1];
  const page = useTicketPage(eventId, status, cursor, pageSize, q);
  const items = page.data?.items ?? [];
  const pageNumber = cursors.length;

  return (
    <Card withBorder radius="lg" padding={0} component="section" aria-labelledby="tickets-title">
      <Group justify="space-between" p="md" gap="sm" wrap="wrap">
        <Title order={2} size="h4" id="tickets-title">
          Tickets
        </Title>
        <TextInput
          size="xs"
          type="search"
          aria-label="Search tickets by label"
          placeholder="Search by label"
          leftSection={<IconSearch size={14} aria-hidden />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          maxLength={200}
          style={{ flex: '1 1 160px', maxWidth: 260 }}
        />
        <SegmentedControl
          size="xs"
          aria-label="Show tickets"
          value={status ?? 'all'}
          onChange={(v) => onStatusChange(v === 'ok' || v === 'redeemed' || v === 'void' ? v : undefined)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'ok', label: 'OK' },
            { value: 'redeemed', label: 'Redeemed' },
            { value: 'void', label: 'Void' },
          ]}
        />
      </Group>
      {page.isError && !page.data ? (
        <Stack p="md">
          <QueryError error={page.error} onRetry={() => void page.refetch()} title="Could not load tickets" />
        </Stack>
      ) : !page.data ? (
        <Stack p="md" gap="xs" role="status" aria-busy="true" aria-label="Loading tickets">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} h={32} />
          ))}
        </Stack>
      ) : items.length === 0 ? (
        <Text c="dimmed" ta="center" p="xl">
          {q
            ? `No ticket’s label holds “${q}”.`
            : status === 'redeemed'
              ? 'No ticket has been redeemed yet.'
              : status === 'ok'
                ? 'No ticket is left to redeem.'
                : status === 'void'
                  ? 'No ticket is void.'
                  : 'No tickets.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={280} type="native">
          <Table verticalSpacing="xs" aria-label="Tickets" style={{ opacity: page.isPlaceholderData ? 0.6 : 1 }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Ticket id</Table.Th>
                <Table.Th>Label</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th visibleFrom="sm">Created</Table.Th>
                <Table.Th visibleFrom="md">Redeemed</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((ticket) => (
                <Table.Tr key={ticket.id}>
                  <Table.Td>
                    <AnchorLink
                      to="/tickets/$ticketId"
                      params={{ ticketId: ticket.id }}
                      className="ticket-id"
                      size="sm"
                    >
                      {ticket.id}
                    </AnchorLink>
                  </Table.Td>
                  <Table.Td style={{ maxWidth: 220, overflowWrap: 'anywhere' }}>
                    <Text size="sm" c={ticket.label ? undefined : 'dimmed'}>
                      {ticket.label ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 110 }}>
                    <TicketStatusBadge status={ticket.status} />
                  </Table.Td>
                  <Table.Td visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{formatShortTimestamp(ticket.createdAt)}</Text>
                  </Table.Td>
                  <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm">{ticket.redeemedAt ? formatShortTimestamp(ticket.redeemedAt) : '—'}</Text>
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    <VoidRowAction ticket={ticket} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between" p="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
        <Button
          variant="default"
          size="xs"
          leftSection={<IconChevronLeft size={14} aria-hidden />}
          disabled={cursors.length <= 1}
          onClick={() => setCursors((stack) => stack.slice(0, -1))}
        >
          Previous
        </Button>
        <Text size="sm" c="dimmed" aria-live="polite">
          Page {pageNumber}
        </Text>
        <Button
          variant="default"
          size="xs"
          rightSection={<IconChevronRight size={14} aria-hidden />}
          disabled={!page.data?.nextCursor || page.isPlaceholderData}
          onClick={() => {
            const next = page.data?.nextCursor;
            if (next) setCursors((stack) => [...stack, next]);
          }}
        >
          Next
        </Button>
      </Group>
    </Card>
  );
}
