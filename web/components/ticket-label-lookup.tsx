import { Alert, Badge, Button, Card, Group, Loader, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconUserSearch } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { DoorLookupItem } from '../../shared/controls.js';
import { ControlLimits } from '../../shared/controls.js';
import type { DoorScanResult } from '../../shared/door.js';
import { admitGuest } from '../api/controls.js';
import { doorAccessLost } from '../api/door.js';
import { describeError } from '../api/errors.js';
import { formatTimestamp } from '../lib/format.js';
import { useGuestLookup } from '../queries/controls.js';
import { doorKeys } from '../queries/door.js';

/** What the door says about one admission from the lookup. */
function Verdict({ result }: { result: DoorScanResult }) {
  if (result.outcome === 'admitted') {
    return (
      <Alert color="teal.9" variant="filled" role="status" title="ADMITTED" data-testid="lookup-verdict">
        Let the guest in.
      </Alert>
    );
  }
  if (result.outcome === 'already_redeemed') {
    return (
      <Alert color="red.9" variant="filled" role="alert" title="ALREADY USED" data-testid="lookup-verdict">
        Admitted {result.redeemedAt ? formatTimestamp(result.redeemedAt) : 'earlier'}
        {result.redeemedAtDoor ? ` at ${result.redeemedAtDoor}` : ''}.
      </Alert>
    );
  }
  return (
    <Alert color="red.9" variant="filled" role="alert" title="NOT ADMITTED" data-testid="lookup-verdict">
      This ticket is no longer one of this event’s.
    </Alert>
  );
}

/**
 * A guest who lost their code, found by the label the organiser gave their ticket (a name, a
 * seat). The door sees the label, the status and the code's first characters, never the code;
 * Admit is a door scan of that ticket, logged like any other.
 */
export function TicketLabelLookup({ onAccessLost }: { onAccessLost: (why: 'revoked' | 'signed_out') => void }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [q] = useDebouncedValue(text.trim(), 250);
  const guests = useGuestLookup(q);
  const [admitting, setAdmitting] = useState<string | null>(null);
  // Keyed by guest, not by ref: each lookup signs a fresh ref, and the list refreshes after an admission.
  const keyOf = (guest: DoorLookupItem) => `${guest.codeStart}:${guest.label}`;
  const [answer, setAnswer] = useState<{ ref: string; result?: DoorScanResult; error?: string } | null>(null);
  const short = q !== '' && [...q].length < ControlLimits.doorLookupMin;

  const admit = async (guest: DoorLookupItem) => {
    setAdmitting(keyOf(guest));
    // One id for this tap: a retry after a lost answer replays it instead of counting a second scan.
    const scanId = crypto.randomUUID();
    try {
      const result = await admitGuest(guest.ref, scanId);
      setAnswer({ ref: keyOf(guest), result });
    } catch (error) {
      const lost = doorAccessLost(error);
      if (lost) return onAccessLost(lost);
      setAnswer({ ref: keyOf(guest), error: describeError(error) });
    } finally {
      setAdmitting(null);
      await queryClient.invalidateQueries({ queryKey: doorKeys.all });
    }
  };

  const items = guests.data?.items ?? [];
  return (
    <Card withBorder radius="md" padding="sm" component="section" aria-labelledby="guest-lookup-title">
      <Stack gap="xs">
        <Text component="label" htmlFor="guest-lookup" fw={600} size="sm" id="guest-lookup-title">
          Lost code? Find the guest by name{' '}
          <Text span c="dimmed" size="sm" fw={400}>
            (or seat, as on the guest list)
          </Text>
        </Text>
        <TextInput
          id="guest-lookup"
          type="search"
          size="md"
          placeholder="e.g. Martin"
          leftSection={<IconUserSearch size={18} aria-hidden />}
          rightSection={guests.isFetching ? <Loader size="xs" /> : null}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setAnswer(null);
          }}
          maxLength={200}
          autoComplete="off"
          error={short ? `Type at least ${ControlLimits.doorLookupMin} characters.` : undefined}
        />
        {guests.isError && (
          <Alert color="red" variant="light" role="alert">
            {describeError(guests.error)}
          </Alert>
        )}
        {q !== '' && !short && guests.data && items.length === 0 && (
          <Text size="sm" c="dimmed" role="status">
            No guest’s label holds “{q}”.
          </Text>
        )}
        {items.length > 0 && (
          <Stack gap={6} role="list" aria-label="Guests found">
            {items.map((guest) => (
              <Card key={keyOf(guest)} withBorder radius="sm" padding="xs" role="listitem">
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <div style={{ minWidth: 0 }}>
                    <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                      {guest.label}
                    </Text>
                    <Group gap={6}>
                      <Badge size="sm" variant="light" color={guest.status === 'ok' ? 'teal.9' : 'red.9'}>
                        {guest.status === 'ok' ? 'Not in yet' : 'Already in'}
                      </Badge>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {guest.codeStart}…
                      </Text>
                    </Group>
                  </div>
                  <Button
                    size="sm"
                    onClick={() => void admit(guest)}
                    loading={admitting === keyOf(guest)}
                    disabled={admitting !== null}
                    aria-label={`Admit ${guest.label}`}
                  >
                    Admit
                  </Button>
                </Group>
                {answer?.ref === keyOf(guest) && answer.result && <Verdict result={answer.result} />}
                {answer?.ref === keyOf(guest) && answer.error && (
                  <Alert color="yellow" variant="light" role="alert" title="Not checked">
                    {answer.error}
                  </Alert>
                )}
              </Card>
            ))}
            {guests.data?.more && (
              <Text size="xs" c="dimmed">
                More guests match: type more of the name.
              </Text>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
