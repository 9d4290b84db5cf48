import {
  ActionIcon,
  Anchor,
  Breadcrumbs,
  Card,
  Center,
  CopyButton,
  EmptyState,
  Group,
  SimpleGrid,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconCheck, IconCopy, IconTicketOff } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import { QRCodeSVG } from 'qrcode.react';
import { ErrorCode } from '../../shared/error-codes.js';
import { hasCode } from '../api/errors.js';
import { AnchorLink, ButtonLink } from '../components/links.js';
import { PageLoader } from '../components/page-loader.js';
import { RedeemSection } from '../components/redeem-section.js';
import { QueryError } from '../components/route-states.js';
import { TicketLabelField } from '../components/ticket-label-field.js';
import { TicketStatusBanner } from '../components/ticket-status-banner.js';
import { VoidTicketSection } from '../components/void-ticket.js';
import { formatCalendarDate, formatTimestamp } from '../lib/format.js';
import { isUuid } from '../lib/ticket-id.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useTicket } from '../queries/tickets.js';

const route = getRouteApi('/_authed/tickets/$ticketId');

function NoSuchTicket() {
  return (
    <Card withBorder radius="lg" padding="xl">
      <EmptyState
        icon={<IconTicketOff size={32} aria-hidden />}
        withIndicatorBackground
        title="No such ticket"
        description="No ticket of your events has this id. Check the code and try again."
      >
        <EmptyState.Actions>
          <ButtonLink to="/check">Check another ticket</ButtonLink>
        </EmptyState.Actions>
      </EmptyState>
    </Card>
  );
}

/** One ticket: the big status, its event, id with copy, QR code, and Redeem. */
export function TicketPage() {
  const { ticketId } = route.useParams();
  const valid = isUuid(ticketId);
  const ticket = useTicket(valid ? ticketId.toLowerCase() : ticketId);
  usePageTitle(
    ticket.data ? `${{ ok: 'OK', redeemed: 'Redeemed', void: 'Void' }[ticket.data.status]} · Ticket` : 'Ticket',
  );

  if (!valid || hasCode(ticket.error, ErrorCode.ticketNotFound) || hasCode(ticket.error, ErrorCode.notFound)) {
    return <NoSuchTicket />;
  }
  if (ticket.isError)
    return <QueryError error={ticket.error} onRetry={() => void ticket.refetch()} title="Could not load this ticket" />;
  if (!ticket.data) return <PageLoader label="Loading ticket…" />;
  const t = ticket.data;

  return (
    <Stack gap="lg">
      <Breadcrumbs separator="/" aria-label="Breadcrumb">
        <AnchorLink to="/" size="sm">
          Events
        </AnchorLink>
        <AnchorLink to="/events/$eventId" params={{ eventId: t.event.id }} size="sm" truncate maw={200}>
          {t.event.name}
        </AnchorLink>
        <Text size="sm" c="dimmed">
          Ticket
        </Text>
      </Breadcrumbs>
      <TicketStatusBanner status={t.status} redeemedAt={t.redeemedAt} />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
        <Card withBorder radius="lg" padding="lg">
          <Stack gap="md">
            <div>
              <Text size="xs" tt="uppercase" fw={700} c="dimmed">
                Event
              </Text>
              <Title order={1} size="h3">
                <AnchorLink
                  to="/events/$eventId"
                  params={{ eventId: t.event.id }}
                  inherit
                  style={{ overflowWrap: 'anywhere' }}
                >
                  {t.event.name}
                </AnchorLink>
              </Title>
              <Text size="sm">{formatCalendarDate(t.event.date)}</Text>
            </div>
            <div>
              <Text size="xs" tt="uppercase" fw={700} c="dimmed" id="ticket-id-label">
                Ticket id
              </Text>
              <Group gap="xs" wrap="nowrap" align="center">
                <Text className="ticket-id" size="sm" aria-labelledby="ticket-id-label" data-testid="ticket-id">
                  {t.id}
                </Text>
                <CopyButton value={t.id} timeout={2000}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy id'} withArrow>
                      <ActionIcon
                        variant="subtle"
                        color={copied ? 'teal.9' : 'gray.8'}
                        onClick={copy}
                        aria-label={copied ? 'Copied' : 'Copy ticket id'}
                      >
                        {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              </Group>
            </div>
            <TicketLabelField ticket={t} />
            <Text size="sm" c="dimmed">
              Created {formatTimestamp(t.createdAt)}
            </Text>
            {/* A void ticket admits no one: no Redeem, only Unvoid. */}
            {t.status !== 'void' && <RedeemSection ticket={t} />}
            <VoidTicketSection ticket={t} />
          </Stack>
        </Card>
        <Card withBorder radius="lg" padding="lg">
          <Center h="100%">
            <Stack align="center" gap="xs">
              <div style={{ background: 'white', padding: 12, borderRadius: 8, lineHeight: 0 }}>
                <QRCodeSVG
                  value={t.publicUrl}
                  size={176}
                  level="M"
                  title={`QR code of ticket ${t.id}`}
                  role="img"
                  aria-label={`QR code of ticket ${t.id}`}
                />
              </div>
              <Text size="xs" c="dimmed" ta="center">
                Scan at the door. A phone camera opens the ticket’s{' '}
                <Anchor href={t.publicUrl} target="_blank" rel="noopener" size="xs" underline="always">
                  public page
                </Anchor>
                , which never uses it.
              </Text>
              <Text size="xs" c="dimmed" ta="center" data-testid="redeem-link-warning">
                Never share a <code>/redeem/…</code> link of this ticket: it uses up the ticket.
              </Text>
            </Stack>
          </Center>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
