import { Alert, Button, Group, Modal, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import type { Event } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { validateEventDate, validateEventName } from '../lib/validation.js';
import { useUpdateEvent } from '../queries/controls.js';
import { DeleteEventButton } from './delete-event-button.js';
import { EventNameDateFields } from './event-fields.js';

/** The event page's controls of the event itself: Edit (name, date) and Delete. */
export function EventEditControls({ event }: { event: Event }) {
  const [editing, setEditing] = useState(false);
  return (
    <>
      <Button variant="default" leftSection={<IconPencil size={16} aria-hidden />} onClick={() => setEditing(true)}>
        Edit
      </Button>
      <DeleteEventButton event={event} />
      {editing && <EventEditModal event={event} onClose={() => setEditing(false)} />}
    </>
  );
}

/** Rename or re-date the event; only what changed is sent. */
function EventEditModal({ event, onClose }: { event: Event; onClose: () => void }) {
  const update = useUpdateEvent(event.id);
  const [name, setName] = useState(event.name);
  const [date, setDate] = useState(event.date);
  const [submitted, setSubmitted] = useState(false);
  const errors = { name: validateEventName(name), date: validateEventDate(date) };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (errors.name || errors.date) return;
    const body = {
      ...(name.trim() !== event.name ? { name: name.trim() } : {}),
      ...(date !== event.date ? { date } : {}),
    };
    if (Object.keys(body).length === 0) return onClose();
    update.mutate(body, {
      onSuccess: (saved) => {
        notifications.show({ color: 'green', title: 'Event saved', message: `${saved.name} is up to date.` });
        onClose();
      },
    });
  };

  return (
    <Modal opened onClose={onClose} title="Edit event" size="md" centered>
      <form onSubmit={onSubmit} noValidate aria-label="Edit event">
        <Stack gap="md">
          {update.isError && (
            <Alert color="red" variant="light" role="alert">
              {describeError(update.error)}
            </Alert>
          )}
          <EventNameDateFields
            name={name}
            date={date}
            onName={setName}
            onDate={setDate}
            errors={{ name: submitted && errors.name, date: submitted && errors.date }}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
