import { Alert, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconSearch, IconTicketOff } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import { describeError, hasCode } from '../api/errors.js';
import { getTicket } from '../api/tickets.js';
import { normalizeTicketId } from '../lib/ticket-id.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { ticketKeys } from '../queries/tickets.js';

type Outcome = { kind: 'invalid' } | { kind: 'missing'; id: string } | { kind: 'error'; message: string } | null;

/** Paste or type a ticket id (any case, spaces ignored) to open its page. */
export function CheckTicketPage() {
  usePageTitle('Check a ticket');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [value, setValue] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [checking, setChecking] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const id = normalizeTicketId(value);
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
      void navigate({ to: '/tickets/$ticketId', params: { ticketId: ticket.id } });
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
          Paste or type a ticket id to see whether it is OK or already redeemed.
        </Text>
      </div>
      <Card withBorder radius="lg" padding="lg">
        <form onSubmit={onSubmit} noValidate>
          <Stack gap="md">
            <TextInput
              label="Ticket id"
              name="ticketId"
              placeholder="e.g. 3f2b8c1e-9a4d-4c7e-b1f0-5d6a7e8f9012"
              value={value}
              onChange={(e) => {
                setValue(e.currentTarget.value);
                if (outcome?.kind === 'invalid') setOutcome(null);
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
    </Stack>
  );
}
