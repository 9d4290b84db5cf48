import { Breadcrumbs, Button, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconChartBar, IconDownload, IconListDetails, IconRefresh, IconTicket } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import { hasCode } from '../api/errors.js';
import { ticketsCsvUrl } from '../api/events.js';
import { DownloadsMenu } from '../components/event/downloads-menu.js';
import { EventOverview } from '../components/event/event-overview.js';
import { ScanLog } from '../components/event/scan-log.js';
import { EventEditControls } from '../components/event-edit-controls.js';
import { LabelsUploadCard } from '../components/labels-upload-card.js';
import { AnchorLink, ButtonLink } from '../components/links.js';
import { PageLoader } from '../components/page-loader.js';
import { NoSuchEvent, QueryError } from '../components/route-states.js';
import { TicketsTable } from '../components/tickets-table.js';
import { formatCalendarDate, formatTimestamp } from '../lib/format.js';
import { needsPolling } from '../lib/live-stream.js';
import type { EventTab } from '../lib/search-params.js';
import { useDownload } from '../lib/use-download.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { eventKeys, useEvent, useEventStatus } from '../queries/events.js';
import { useEventLive } from '../queries/live.js';

const route = getRouteApi('/_authed/events/$eventId');

/**
 * One event: its name and date, Refresh and the unredeemed CSV, then three tabs kept in the URL:
 * Overview (live counters, arrivals, batches, door links, add tickets), Scan log, Tickets.
 */
export function EventPage() {
  const { eventId } = route.useParams();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const queryClient = useQueryClient();
  const event = useEvent(eventId);
  const live = useEventLive(eventId, event.data !== undefined);
  const poll = needsPolling(live.status);
  const status = useEventStatus(eventId, poll);
  const [refreshing, setRefreshing] = useState(false);
  const { download, pending } = useDownload();
  usePageTitle(event.data?.name ?? 'Event');

  // The stream keeps everything current; Refresh stays for the brief, and for peace of mind.
  const refresh = async () => {
    setRefreshing(true);
    try {
      await Promise.all([
        status.refetch(),
        queryClient.invalidateQueries({ queryKey: eventKeys.all, predicate: (q) => q.queryKey.includes(eventId) }),
      ]);
    } finally {
      setRefreshing(false);
    }
  };

  const unredeemedUrl = ticketsCsvUrl(eventId, { status: 'ok' });
  const downloadUnredeemed = () => download(unredeemedUrl);

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
  const tab: EventTab = search.tab ?? 'overview';
  const setTab = (next: string | null) => {
    const value = next === 'log' || next === 'tickets' ? next : undefined;
    void navigate({ search: (prev) => ({ ...prev, tab: value }) });
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
          {/* On a phone the page is live (and polls when it is not) and the menu downloads: fewer buttons above the figures. */}
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} aria-hidden />}
            onClick={refresh}
            loading={refreshing}
            visibleFrom="xs"
          >
            Refresh
          </Button>
          <Button
            visibleFrom="xs"
            leftSection={<IconDownload size={16} aria-hidden />}
            onClick={downloadUnredeemed}
            loading={pending === unredeemedUrl}
          >
            Download unredeemed (CSV)
          </Button>
          <DownloadsMenu eventId={eventId} download={download} pending={pending} />
          <EventEditControls event={{ ...event.data, ...counters }} />
        </Group>
      </Group>

      <Tabs value={tab} onChange={setTab} keepMounted={false} className="event-tabs">
        <Tabs.List mb="lg">
          <Tabs.Tab value="overview" leftSection={<IconChartBar size={16} aria-hidden />}>
            Overview
          </Tabs.Tab>
          <Tabs.Tab value="log" leftSection={<IconListDetails size={16} aria-hidden />}>
            Scan log
          </Tabs.Tab>
          <Tabs.Tab value="tickets" leftSection={<IconTicket size={16} aria-hidden />}>
            Tickets
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview">
          <EventOverview
            eventId={eventId}
            counters={counters}
            voidTickets={event.data.voidTickets}
            live={live.status}
            updatedAt={status.dataUpdatedAt}
            statusError={status.isError ? status.error : null}
            bucket={search.bucket}
            onBucketChange={(bucket) => void navigate({ search: (prev) => ({ ...prev, bucket }), replace: true })}
          />
        </Tabs.Panel>
        <Tabs.Panel value="log">
          <ScanLog
            eventId={eventId}
            live={live}
            outcome={search.outcome}
            onOutcomeChange={(outcome) => void navigate({ search: (prev) => ({ ...prev, outcome }), replace: true })}
          />
        </Tabs.Panel>
        <Tabs.Panel value="tickets">
          <LabelsUploadCard eventId={eventId} />
          <TicketsTable
            eventId={eventId}
            status={search.status}
            onStatusChange={(next) => void navigate({ search: (prev) => ({ ...prev, status: next }), replace: true })}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
