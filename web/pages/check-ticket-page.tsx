import { Alert, Anchor, Box, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangleFilled, IconDeviceMobile, IconSearch, IconTicketOff } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { getRouteApi, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import type { Event, OwnerTicket } from '../../shared/schemas.js';
import { describeError, hasCode } from '../api/errors.js';
import { getTicket } from '../api/tickets.js';
import { AnchorLink } from '../components/links.js';
import { verdictColors } from '../lib/door-verdicts.js';
import { formatCalendarDate } from '../lib/format.js';
import { normalizeTicketId } from '../lib/ticket-id.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useEvent, useEventList } from '../queries/events.js';
import { ticketKeys } from '../queries/tickets.js';

const route = getRouteApi('/_authed/check');

type Outcome =
  | { kind: 'invalid' }
  | { kind: 'no_event' }
  | { kind: 'missing'; id: string }
  | { kind: 'wrong_event'; ticket: OwnerTicket }
  | { kind: 'error'; message: string }
  | null;

const eventLabel = (event: Pick<Event, 'name' | 'date'>) => `${event.name} · ${formatCalendarDate(event.date)}`;

/**
 * Checks a ticket for one event: paste or type its id (any case, spaces ignored). A ticket of this
 * event opens its page; a ticket of another of the user's events is a WRONG EVENT, never an OK.
 */
export function CheckTicketPage() {
  usePageTitle('Check a ticket');
  const navigate = useNavigate();
  const routeNavigate = route.useNavigate();
  const search = route.useSearch();
  const queryClient = useQueryClient();
  const events = useEventList({ pageSize: 100, sort: '-date' });
  const items = events.data?.items ?? [];
  // With a single event there is nothing to choose; otherwise the page asks (or takes ?event= from an event page).
  const wanted = search.event ?? (events.data?.total === 1 ? items[0]?.id : undefined);
  const chosen = useEvent(wanted ?? '', wanted !== undefined && !items.some((e) => e.id === wanted));
  // An unknown or foreign ?event= chooses nothing.
  const chosenEvent = items.find((e) => e.id === wanted) ?? chosen.data;
  const eventId = chosenEvent?.id;
  const [value, setValue] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [checking, setChecking] = useState(false);

  const options = [...items];
  if (chosenEvent && !options.some((e) => e.id === chosenEvent.id)) options.unshift(chosenEvent);

  const chooseEvent = (id: string | null) => {
    setOutcome(null);
    void routeNavigate({ search: { event: id ?? undefined }, replace: true });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const id = normalizeTicketId(value);
    if (!eventId) {
      setOutcome({ kind: 'no_event' });
      return;
    }
    if (!id) {
      setOutcome({ kind: 'invalid' });
      return;
    }
    setChecking(true);
    setOutcome(null);
    try {
      const ticket = await queryClient.fetchQuery({
        queryKey: ticketKeys.detail(id),
        queryFn: () => getTicket(id),
        staleTime: 0,
      });
      if (ticket.event.id !== eventId) setOutcome({ kind: 'wrong_event', ticket });
      else void navigate({ to: '/tickets/$ticketId', params: { ticketId: ticket.id } });
    } catch (error) {
      if (hasCode(error, ErrorCode.ticketNotFound) || hasCode(error, ErrorCode.notFound))
        setOutcome({ kind: 'missing', id });
      else setOutcome({ kind: 'error', message: describeError(error) });
    } finally {
      setChecking(false);
    }
  };

  return (
    <Stack gap="lg" maw={640}>
      <div>
        <Title order={1}>Check a ticket</Title>
        <Text c="dimmed" size="sm">
          Choose the event at this door, then paste or type a ticket id to see whether it is OK or already redeemed.
        </Text>
      </div>
      <Card withBorder radius="lg" padding="lg">
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            <Select
              label="Event"
              placeholder={events.isPending ? 'Loading your events…' : 'Choose the event you are checking for'}
              data={options.map((e) => ({ value: e.id, label: eventLabel(e) }))}
              value={eventId ?? null}
              onChange={chooseEvent}
              searchable
              nothingFoundMessage="No event with that name"
              error={
                outcome?.kind === 'no_event'
                  ? 'Choose the event you are checking for.'
                  : events.isError
                    ? `Could not load your events: ${describeError(events.error)}`
                    : null
              }
              size="md"
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            <TextInput
              label="Ticket id"
              name="ticketId"
              placeholder="e.g. 3f2b8c1e-9a4d-4c7e-b1f0-5d6a7e8f9012"
              value={value}
              onChange={(e) => {
                setValue(e.currentTarget.value);
                if (outcome?.kind === 'invalid' || outcome?.kind === 'wrong_event') setOutcome(null);
              }}
              error={
                outcome?.kind === 'invalid'
                  ? 'That is not a ticket id. A ticket id looks like 3f2b8c1e-9a4d-4c7e-b1f0-5d6a7e8f9012.'
                  : null
              }
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              size="md"
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
              autoFocus
            />
            <Group>
              <Button type="submit" leftSection={<IconSearch size={16} aria-hidden />} loading={checking}>
                Check ticket
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
      {outcome?.kind === 'wrong_event' && (
        <Box
          role="alert"
          data-testid="check-wrong-event"
          p="lg"
          style={{
            background: verdictColors.amber.background,
            color: verdictColors.amber.foreground,
            borderRadius: 'var(--mantine-radius-lg)',
          }}
        >
          <Group gap="md" wrap="nowrap" align="center">
            <IconAlertTriangleFilled aria-hidden style={{ width: 48, height: 48, flexShrink: 0 }} />
            <Stack gap={4} style={{ minWidth: 0 }}>
              <Text fz={{ base: 32, sm: 44 }} fw={900} lh={1}>
                WRONG EVENT
              </Text>
              <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                This ticket is for {eventLabel(outcome.ticket.event)}
                {chosenEvent ? `, not ${chosenEvent.name}` : ''}. Nothing was changed.
              </Text>
              <Anchor
                component="button"
                type="button"
                c="inherit"
                underline="always"
                fw={600}
                w="fit-content"
                onClick={() => void navigate({ to: '/tickets/$ticketId', params: { ticketId: outcome.ticket.id } })}
              >
                Open that ticket anyway
              </Anchor>
            </Stack>
          </Group>
        </Box>
      )}
      {outcome?.kind === 'missing' && (
        <Alert color="red" variant="light" icon={<IconTicketOff aria-hidden />} title="No such ticket" role="alert">
          There is no ticket <span className="ticket-id">{outcome.id}</span> in your events.
        </Alert>
      )}
      {outcome?.kind === 'error' && (
        <Alert color="red" variant="light" title="Could not check the ticket" role="alert">
          {outcome.message}
        </Alert>
      )}
      {eventId && (
        <Group gap={6} wrap="nowrap">
          <IconDeviceMobile size={18} aria-hidden style={{ flexShrink: 0 }} />
          <AnchorLink to="/events/$eventId" params={{ eventId }} hash="door-links" size="sm">
            Scan with a phone: create a door link
          </AnchorLink>
        </Group>
      )}
    </Stack>
  );
}
