import { Group, Progress, Table, Text } from '@mantine/core';
import type { Event, EventSort } from '../../shared/schemas.js';
import { formatCalendarDate, formatCount, formatShortTimestamp } from '../lib/format.js';
import { AnchorLink } from './links.js';
import { SortHeader } from './sort-header.js';

interface Props {
  events: Event[];
  sort: EventSort;
  onSort: (sort: EventSort) => void;
}

/** The events list: name, date, tickets, redeemed with a small bar, created. */
export function EventsTable({ events, sort, onSort }: Props) {
  return (
    <Table.ScrollContainer minWidth={320} type="native">
      <Table highlightOnHover verticalSpacing="sm" aria-label="Events">
        <Table.Thead>
          <Table.Tr>
            <SortHeader field="name" sort={sort} onSort={onSort}>
              Name
            </SortHeader>
            <SortHeader field="date" sort={sort} onSort={onSort}>
              Date
            </SortHeader>
            <Table.Th ta="right" visibleFrom="xs">
              Tickets
            </Table.Th>
            <Table.Th miw={150} visibleFrom="sm">
              Redeemed
            </Table.Th>
            <SortHeader field="createdAt" sort={sort} onSort={onSort} visibleFrom="md">
              Created
            </SortHeader>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((event) => {
            const percent = event.totalTickets ? (event.redeemedTickets / event.totalTickets) * 100 : 0;
            return (
              <Table.Tr key={event.id}>
                <Table.Td>
                  <AnchorLink
                    to="/events/$eventId"
                    params={{ eventId: event.id }}
                    fw={600}
                    style={{ overflowWrap: 'anywhere' }}
                  >
                    {event.name}
                  </AnchorLink>
                  <Text size="xs" c="dimmed" hiddenFrom="sm" className="tabular">
                    {formatCount(event.redeemedTickets)} of {formatCount(event.totalTickets)} redeemed
                  </Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatCalendarDate(event.date)}</Table.Td>
                <Table.Td ta="right" className="tabular" visibleFrom="xs">
                  {formatCount(event.totalTickets)}
                </Table.Td>
                <Table.Td visibleFrom="sm">
                  <Group gap="xs" wrap="nowrap">
                    <Progress
                      value={percent}
                      w={70}
                      size="sm"
                      color={percent >= 100 ? 'green' : undefined}
                      aria-label={`${event.name}: ${Math.round(percent)}% redeemed`}
                    />
                    <Text size="sm" className="tabular">
                      {formatCount(event.redeemedTickets)}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td visibleFrom="md" style={{ whiteSpace: 'nowrap' }}>
                  <Text size="sm" c="dimmed">
                    {formatShortTimestamp(event.createdAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
