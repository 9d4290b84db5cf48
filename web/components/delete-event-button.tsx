import { Alert, Button, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { ErrorCode } from '../../shared/error-codes.js';
import type { Event } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { ApiError } from '../api/http.js';
import { useDeleteEvent } from '../queries/controls.js';

/** Delete the event, after a confirmation that says what is lost; with redemptions, typing its name. */
export function DeleteEventButton({ event }: { event: Event }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="default"
        color="red"
        c="var(--mantine-color-error)"
        leftSection={<IconTrash size={16} aria-hidden />}
        onClick={() => setOpen(true)}
      >
        Delete
      </Button>
      {open && <DeleteEventModal event={event} onClose={() => setOpen(false)} />}
    </>
  );
}

function DeleteEventModal({ event, onClose }: { event: Event; onClose: () => void }) {
  const navigate = useNavigate();
  const remove = useDeleteEvent(event.id);
  const [typed, setTyped] = useState('');
  // Tickets redeemed since the page loaded come back as a 409 saying how many: typing is asked then.
  const error = remove.error instanceof ApiError ? remove.error : null;
  const conflict = error?.code === ErrorCode.eventHasRedemptions;
  const redeemed = Math.max(event.redeemedTickets, conflict ? Number(error?.problem.redeemedTickets) || 1 : 0);
  // Once guests came in, deleting loses who did: the organiser types the name to mean it.
  const mustType = redeemed > 0;
  const confirmed = !mustType || typed.trim() === event.name;
  const n = (count: number, one: string, many: string) => `${count.toLocaleString()} ${count === 1 ? one : many}`;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirmed) return;
    remove.mutate(mustType, {
      onSuccess: () => {
        notifications.show({ color: 'green', title: 'Event deleted', message: `${event.name} is gone.` });
        onClose();
        void navigate({ to: '/' });
      },
    });
  };

  return (
    <Modal opened onClose={onClose} title={`Delete ${event.name}?`} size="md" centered>
      <form onSubmit={onSubmit} noValidate aria-label="Delete event">
        <Stack gap="md">
          <Text size="sm">This cannot be undone. Deleting the event loses, for good:</Text>
          <List size="sm" spacing={4}>
            <List.Item>{n(event.totalTickets, 'ticket', 'tickets')}: their codes stop working at once</List.Item>
            <List.Item>
              {redeemed === 0 ? 'no admission yet' : `${n(redeemed, 'redeemed ticket', 'redeemed tickets')}`} and the
              scan log
            </List.Item>
            <List.Item>its door links: every door device is signed out</List.Item>
          </List>
          {remove.isError && !conflict && (
            <Alert color="red" variant="light" role="alert">
              {describeError(remove.error)}
            </Alert>
          )}
          {mustType && (
            <TextInput
              label={`Type the event’s name to delete it with its ${n(redeemed, 'admission', 'admissions')}`}
              description={event.name}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
              data-autofocus
            />
          )}
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose} data-autofocus={mustType ? undefined : true}>
              Cancel
            </Button>
            <Button type="submit" color="red" disabled={!confirmed} loading={remove.isPending}>
              Delete event
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
