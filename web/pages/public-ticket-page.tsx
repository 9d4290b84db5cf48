import { Box, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheckFilled, IconCircleXFilled, IconTicketOff } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import { Logo } from '../components/logo.js';
import { PageLoader } from '../components/page-loader.js';
import { QueryError } from '../components/route-states.js';
import { formatCalendarDate, formatTimestamp } from '../lib/format.js';
import { statusColors } from '../lib/status-colors.js';
import { groupTicketId, isUuid } from '../lib/ticket-id.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { usePublicTicket } from '../queries/tickets.js';

const route = getRouteApi('/t/$ticketId');

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <Box component="main" mih="100dvh" py={{ base: 'md', sm: 48 }} px="md">
      <Stack maw={480} mx="auto" gap="md">
        <Group justify="center">
          <Logo />
        </Group>
        {children}
        <Text size="xs" c="dimmed" ta="center">
          Show this ticket’s QR code at the door. Opening this page does not use the ticket.
        </Text>
      </Stack>
    </Box>
  );
}

function TicketIdGroups({ id }: { id: string }) {
  return (
    <div>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed" id="public-ticket-id">
        Ticket
      </Text>
      <Text className="ticket-id" fz="lg" fw={600} aria-labelledby="public-ticket-id" data-testid="public-ticket-id">
        {groupTicketId(id).join(' ')}
      </Text>
    </div>
  );
}

/**
 * `/t/:ticketId`: what a ticket's holder sees when their phone camera opens the QR code on the ticket:
 * the event, the date, the ticket id in readable groups, and a big OK or USED. It only reads the
 * public status (GET /status), so it never uses the ticket up.
 */
export function PublicTicketPage() {
  const { ticketId } = route.useParams();
  const valid = isUuid(ticketId);
  const ticket = usePublicTicket(valid ? ticketId.toLowerCase() : ticketId);
  const data = ticket.data;
  const titles = { ok: 'Valid ticket', used: 'Used ticket', void: 'Void ticket', not_found: 'Ticket' } as const;
  usePageTitle(data ? titles[data.state] : 'Ticket');

  if (!valid || data?.state === 'not_found') {
    return (
      <Shell>
        <Paper withBorder radius="lg" p="xl" data-testid="public-ticket" data-state="not_found">
          <Stack align="center" ta="center" gap="sm">
            <IconTicketOff size={56} stroke={1.5} aria-hidden />
            <Title order={1} fz={32}>
              NOT FOUND
            </Title>
            <Text>There is no ticket with this code. Check the link, or ask the organiser of your event.</Text>
          </Stack>
        </Paper>
      </Shell>
    );
  }
  if (ticket.isError) {
    return (
      <Shell>
        <QueryError error={ticket.error} onRetry={() => void ticket.refetch()} title="Could not load this ticket" />
      </Shell>
    );
  }
  if (!data) {
    return (
      <Shell>
        <PageLoader label="Loading your ticket…" />
      </Shell>
    );
  }
  const ok = data.state === 'ok';
  const Icon = ok ? IconCircleCheckFilled : IconCircleXFilled;
  return (
    <Shell>
      <Paper
        withBorder
        radius="lg"
        p={0}
        style={{ overflow: 'hidden' }}
        data-testid="public-ticket"
        data-state={data.state}
      >
        <Box
          bg={ok ? statusColors.ok : data.state === 'void' ? statusColors.void : statusColors.redeemed}
          c="white"
          p="lg"
          role="status"
        >
          <Group gap="md" wrap="nowrap">
            <Icon aria-hidden style={{ width: 64, height: 64, flexShrink: 0 }} />
            <Stack gap={2}>
              <Text fz={52} fw={900} lh={1}>
                {ok ? 'OK' : data.state === 'void' ? 'VOID' : 'USED'}
              </Text>
              <Text fw={600} fz="md">
                {ok
                  ? 'Valid ticket, not used yet.'
                  : data.state === 'void'
                    ? 'Cancelled by the organiser: it will not be admitted.'
                    : `Used ${formatTimestamp(data.redeemedAt)}`}
              </Text>
            </Stack>
          </Group>
        </Box>
        <Stack p="lg" gap="md">
          <div>
            <Text size="xs" tt="uppercase" fw={700} c="dimmed">
              Event
            </Text>
            <Title order={1} fz={{ base: 24, sm: 28 }} style={{ overflowWrap: 'anywhere' }}>
              {data.ticket.event.name}
            </Title>
            <Text fz="lg">{formatCalendarDate(data.ticket.event.date)}</Text>
          </div>
          <TicketIdGroups id={data.ticket.id} />
        </Stack>
      </Paper>
    </Shell>
  );
}
