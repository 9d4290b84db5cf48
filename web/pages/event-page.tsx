import { Breadcrumbs, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconRefresh, IconTicket } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import { describeError, hasCode } from '../api/errors.js';
import { getEventStatus, ticketsCsvUrl } from '../api/events.js';
import { AddTicketsCard } from '../components/add-tickets-card.js';
import { DoorLinksCard } from '../components/door-links-card.js';
import { EventCounters } from '../components/event-counters.js';
import { AnchorLink, ButtonLink } from '../components/links.js';
import { PageLoader } from '../components/page-loader.js';
import { NoSuchEvent, QueryError } from '../components/route-states.js';
import { TicketsTable } from '../components/tickets-table.js';
import { startDownload } from '../lib/download.js';
import { formatCalendarDate, formatTimestamp } from '../lib/format.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { eventKeys, useEvent, useEventStatus } from '../queries/events.js';

const route = getRouteApi('/_authed/events/$eventId');

/** One event: details, live counters with Refresh, CSV download, add tickets, door links, and its tickets. */
export function EventPage() {
  const { eventId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const event = useEvent(eventId);
  const status = useEventStatus(eventId);
  const [refreshing, setRefreshing] = useState(false);
  usePageTitle(event.data?.name ?? 'Event');
  const [downloading, setDownloading] = useState(false);

  const refresh = async () => {
    setRefreshing(true);
    try {
      await Promise.all([
        status.refetch(),
        queryClient.invalidateQueries({ queryKey: eventKeys.detail(eventId) }),
        queryClient.invalidateQueries({ queryKey: eventKeys.tickets(eventId) }),
      ]);
    } finally {
      setRefreshing(false);
    }
  };

  // Check the session with a cheap call first: a plain link would save an error as the CSV.
  const downloadUnredeemed = async () => {
    setDownloading(true);
    try {
      queryClient.setQueryData(eventKeys.status(eventId), await getEventStatus(eventId));
      startDownload(ticketsCsvUrl(eventId, { status: 'ok' }));
    } catch (error) {
      notifications.show({ color: 'red', title: 'Download failed', message: describeError(error) });
    } finally {
      setDownloading(false);
    }
  };

  // A malformed id (400) is as unknown as a missing one.
  const unknown = [ErrorCode.eventNotFound, ErrorCode.notFound, ErrorCode.validationFailed];
  if (unknown.some((code) => hasCode(event.error, code))) {
    return <NoSuchEvent />;
  }
  if (event.isError) {
    return <QueryError error={event.error} onRetry={() => void event.refetch()} title="Could not open this event" />;
  }
  if (!event.data) return <PageLoader label="Loading event…" />;
  const { name, date, createdAt } = event.data;
  const counters = status.data ?? {
    totalTickets: event.data.totalTickets,
    redeemedTickets: event.data.redeemedTickets,
  };

  return (
    <Stack gap="lg">
      <Breadcrumbs separator="/" aria-label="Breadcrumb">
        <AnchorLink to="/" size="sm">
          Events
        </AnchorLink>
        <Text size="sm" c="dimmed" truncate maw={220}>
          {name}
        </Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 260px' }}>
          <Title order={1} fz={{ base: 28, sm: 34 }} style={{ overflowWrap: 'anywhere' }}>
            {name}
          </Title>
          <Text size="sm">
            <strong>{formatCalendarDate(date)}</strong>
            <Text span c="dimmed" size="sm">
              {' · '}created {formatTimestamp(createdAt)}
            </Text>
          </Text>
        </Stack>
        <Group gap="sm">
          <ButtonLink
            to="/check"
            search={{ event: eventId }}
            variant="default"
            leftSection={<IconTicket size={16} aria-hidden />}
          >
            Check a ticket
          </ButtonLink>
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} aria-hidden />}
            onClick={refresh}
            loading={refreshing}
          >
            Refresh
          </Button>
          <Button
            leftSection={<IconDownload size={16} aria-hidden />}
            onClick={downloadUnredeemed}
            loading={downloading}
          >
            Download unredeemed (CSV)
          </Button>
        </Group>
      </Group>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap={6}>
          <EventCounters status={counters} />
          {status.isError && (
            <Text size="sm" c="red.8" role="alert">
              Could not refresh the counters: {describeError(status.error)}
            </Text>
          )}
          {status.dataUpdatedAt > 0 && (
            <Text size="xs" c="dimmed">
              Updated {new Date(status.dataUpdatedAt).toLocaleTimeString()} · refreshes every few seconds
            </Text>
          )}
        </Stack>
        <AddTicketsCard eventId={eventId} />
      </SimpleGrid>

      <DoorLinksCard eventId={eventId} />

      <TicketsTable
        eventId={eventId}
        status={search.status}
        onStatusChange={(next) => void navigate({ search: next ? { status: next } : {}, replace: true })}
      />
    </Stack>
  );
}
