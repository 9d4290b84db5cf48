import { Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import type { ArrivalsBucket } from '../../../shared/event-activity.js';
import type { EventStatus } from '../../../shared/schemas.js';
import { describeError } from '../../api/errors.js';
import { defaultBucket } from '../../lib/arrivals.js';
import { type LiveStatus, needsPolling } from '../../lib/live-stream.js';
import { AddTicketsCard } from '../add-tickets-card.js';
import { DoorLinksCard } from '../door-links-card.js';
import { EventCounters } from '../event-counters.js';
import { LiveIndicator } from '../live-indicator.js';
import { ArrivalsCard } from './arrivals-card.js';
import { BatchesCard } from './batches-card.js';

interface Props {
  eventId: string;
  counters: EventStatus;
  /** Tickets the organiser voided (from the event; the live counters don't carry them). */
  voidTickets?: number;
  live: LiveStatus;
  /** When the counters last changed on this page (0: not yet fetched). */
  updatedAt: number;
  statusError: unknown;
  bucket: ArrivalsBucket | undefined;
  onBucketChange: (bucket: ArrivalsBucket | undefined) => void;
}

/** The Overview tab: live counters, arrivals over time, add tickets, the batches and the door links. */
export function EventOverview({
  eventId,
  counters,
  voidTickets,
  live,
  updatedAt,
  statusError,
  bucket,
  onBucketChange,
}: Props) {
  const poll = needsPolling(live);
  // Beside the counters on a wide screen; on a phone the chart comes first, adding tickets after it.
  const wide = useMediaQuery('(min-width: 62em)', true, { getInitialValueInEffect: false });
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap={6}>
          <EventCounters status={counters} voidTickets={voidTickets} />
          <Group justify="space-between" gap="xs" wrap="wrap">
            <LiveIndicator status={live} />
            {updatedAt > 0 && (
              <Text size="xs" c="dimmed" data-testid="counters-updated">
                Updated {new Date(updatedAt).toLocaleTimeString()}
              </Text>
            )}
          </Group>
          {statusError ? (
            <Text size="sm" c="red.8" role="alert">
              Could not refresh the counters: {describeError(statusError)}
            </Text>
          ) : null}
        </Stack>
        {wide && <AddTicketsCard eventId={eventId} />}
      </SimpleGrid>

      <ArrivalsCard
        eventId={eventId}
        counters={counters}
        poll={poll}
        bucket={bucket ?? defaultBucket}
        onBucketChange={(next) => onBucketChange(next === defaultBucket ? undefined : next)}
      />
      {!wide && <AddTicketsCard eventId={eventId} />}
      <BatchesCard eventId={eventId} poll={poll} />
      <DoorLinksCard eventId={eventId} />
    </Stack>
  );
}
