import { Alert, Button, Group, Text, TextInput } from '@mantine/core';
import { IconKeyboard } from '@tabler/icons-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { DoorLimits } from '../../../shared/door.js';
import type { DoorScreen, Step } from '../../lib/door-scan-machine.js';
import { normalizeTicketId } from '../../lib/ticket-id.js';

/**
 * Typing a code: the whole id, any link that contains it, or its first 8+ characters (the server
 * finds the one ticket of this event that starts with them). What was typed is sent as it is.
 */
export function DoorManualEntry({
  screen,
  onSubmit,
}: {
  screen: DoorScreen;
  onSubmit: (code: string) => Step['ignored'];
}) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const sentRef = useRef<string | null>(null);

  // A decided answer for what was typed clears the field; "type more" keeps it to be extended.
  useEffect(() => {
    if (screen.kind === 'verdict' && screen.attempt.source === 'typed' && screen.attempt.code === sentRef.current) {
      setValue('');
      sentRef.current = null;
    }
    if (screen.kind === 'ambiguous') inputRef.current?.focus();
  }, [screen]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const code = value.trim();
    if (!code) {
      setError('Type a ticket code.');
      return;
    }
    if (!normalizeTicketId(code) && code.replace(/[^0-9a-f]/gi, '').length < DoorLimits.prefixMin) {
      setError(`Type at least ${DoorLimits.prefixMin} characters of the code.`);
      return;
    }
    setError(null);
    sentRef.current = code;
    const ignored = onSubmit(code);
    if (ignored === 'duplicate') setError('Just checked: the answer was shown a moment ago.');
    // Close the phone's keyboard so the answer can be seen.
    inputRef.current?.blur();
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Type a ticket code">
      <Text component="label" htmlFor="door-code" fw={600} size="sm" display="block">
        Ticket code{' '}
        <Text span c="dimmed" size="sm" fw={400}>
          (whole code, link, or first 8 characters)
        </Text>
      </Text>
      <Group gap="xs" align="flex-start" wrap="nowrap" mt={4}>
        <TextInput
          ref={inputRef}
          id="door-code"
          placeholder="e.g. 3f2b8c1e"
          name="code"
          size="md"
          value={value}
          onChange={(e) => {
            setValue(e.currentTarget.value);
            setError(null);
          }}
          error={error}
          autoComplete="off"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          enterKeyHint="go"
          maxLength={DoorLimits.codeMax}
          style={{ flex: 1, minWidth: 0 }}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Button type="submit" size="md" leftSection={<IconKeyboard size={18} aria-hidden />}>
          Check
        </Button>
      </Group>
      {screen.kind === 'ambiguous' && (
        <Alert color="yellow" variant="light" mt="xs" p="xs" role="alert" title="Type more characters">
          Several tickets of this event start with “{screen.code}”. Nothing was checked.
        </Alert>
      )}
    </form>
  );
}
