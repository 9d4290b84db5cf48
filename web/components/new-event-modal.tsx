import { Alert, Button, Group, Modal, NumberInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { Limits } from '../../shared/schemas.js';
import { describeError } from '../api/errors.js';
import { validateEventDate, validateEventName, validateTicketCount } from '../lib/validation.js';
import { useCreateEvent } from '../queries/events.js';
import { EventNameDateFields } from './event-fields.js';

/** The "New event" form in a modal; opens the new event when it is created. */
export function NewEventModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const create = useCreateEvent();
  const [name, setName] = useState('');
  const [date, setDate] = useState('');
  const [tickets, setTickets] = useState<number | string>(100);
  const [submitted, setSubmitted] = useState(false);

  const errors = {
    name: validateEventName(name),
    date: validateEventDate(date),
    tickets: validateTicketCount(tickets),
  };

  const close = () => {
    onClose();
    setSubmitted(false);
    create.reset();
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (errors.name || errors.date || errors.tickets) return;
    create.mutate(
      { name: name.trim(), date, initialTickets: Number(tickets) },
      {
        onSuccess: (created) => {
          notifications.show({ color: 'green', title: 'Event created', message: `${created.name} is ready.` });
          setName('');
          setDate('');
          setTickets(100);
          close();
          void navigate({ to: '/events/$eventId', params: { eventId: created.id } });
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title="New event" size="md" centered>
      <form onSubmit={onSubmit} noValidate aria-label="New event">
        <Stack gap="md">
          {create.isError && (
            <Alert color="red" variant="light" role="alert">
              {describeError(create.error)}
            </Alert>
          )}
          <EventNameDateFields
            name={name}
            date={date}
            onName={setName}
            onDate={setDate}
            errors={{ name: submitted && errors.name, date: submitted && errors.date }}
            namePlaceholder="Summer concert"
          />
          <NumberInput
            label="Initial tickets"
            name="initialTickets"
            description={`From 1 to ${Limits.ticketsMax.toLocaleString()}; you can add more later.`}
            required
            min={Limits.ticketsMin}
            max={Limits.ticketsMax}
            allowDecimal={false}
            allowNegative={false}
            thousandSeparator=","
            value={tickets}
            onChange={setTickets}
            error={submitted && errors.tickets}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create event
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
