import { ActionIcon, Group, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPencil, IconX } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { Limits, type OwnerTicket } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { useSetTicketLabel } from '../queries/controls.js';

/** The ticket's label (a holder's name, a seat) on its page: shown, and edited in place. */
export function TicketLabelField({ ticket }: { ticket: OwnerTicket }) {
  const save = useSetTicketLabel(ticket.id, ticket.event.id);
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(ticket.label ?? '');
  const tooLong = [...value.trim()].length > Limits.labelMax;

  const start = () => {
    setValue(ticket.label ?? '');
    save.reset();
    setEditing(true);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (tooLong) return;
    const label = value.trim() === '' ? null : value.trim();
    save.mutate(label, {
      onSuccess: (saved) => {
        setEditing(false);
        notifications.show({
          color: 'green',
          title: saved.label ? 'Label saved' : 'Label cleared',
          message: saved.label ?? 'The ticket has no label now.',
        });
      },
    });
  };

  return (
    <div>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed" id="ticket-label-title">
        Label
      </Text>
      {editing ? (
        <form onSubmit={onSubmit} aria-label="Ticket label" noValidate>
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              aria-labelledby="ticket-label-title"
              placeholder="Holder’s name, seat, table…"
              value={value}
              onChange={(e) => setValue(e.currentTarget.value)}
              maxLength={Limits.labelMax + 50}
              error={tooLong ? `At most ${Limits.labelMax} characters.` : save.isError && describeError(save.error)}
              style={{ flex: 1 }}
              data-autofocus
              autoFocus
            />
            <Tooltip label="Save label" withArrow>
              <ActionIcon type="submit" size="lg" variant="filled" aria-label="Save label" loading={save.isPending}>
                <IconCheck size={18} aria-hidden />
              </ActionIcon>
            </Tooltip>
            <Tooltip label="Cancel" withArrow>
              <ActionIcon size="lg" variant="default" aria-label="Cancel" onClick={() => setEditing(false)}>
                <IconX size={18} aria-hidden />
              </ActionIcon>
            </Tooltip>
          </Group>
        </form>
      ) : (
        <Group gap="xs" wrap="nowrap" align="center">
          <Text
            size="sm"
            c={ticket.label ? undefined : 'dimmed'}
            style={{ overflowWrap: 'anywhere' }}
            data-testid="ticket-label"
          >
            {ticket.label ?? 'No label'}
          </Text>
          <Tooltip label={ticket.label ? 'Edit label' : 'Add a label'} withArrow>
            <ActionIcon
              variant="subtle"
              color="gray.8"
              onClick={start}
              aria-label={ticket.label ? 'Edit label' : 'Add a label'}
            >
              <IconPencil size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
        </Group>
      )}
    </div>
  );
}
