import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDeviceMobile } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { DoorLimits } from '../../../shared/door.js';
import { readDeviceName } from '../../lib/door-device.js';

/** Before the first scan: what this device is called (the organiser sees it next to each check-in). */
export function DoorDevicePrompt({
  onStart,
  pending,
  error,
}: {
  onStart: (deviceName: string) => void;
  pending: boolean;
  error: string | null;
}) {
  const [name, setName] = useState(readDeviceName);
  const [invalid, setInvalid] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setInvalid(true);
      return;
    }
    onStart(trimmed);
  };

  return (
    <Center component="main" mih="100dvh" p="md">
      <Paper withBorder radius="lg" p={{ base: 'lg', sm: 'xl' }} maw={480} w="100%">
        <form onSubmit={submit} noValidate aria-label="Name this device">
          <Stack gap="md">
            <IconDeviceMobile size={48} stroke={1.5} aria-hidden />
            <div>
              <Title order={1} fz={{ base: 26, sm: 30 }}>
                Name this device
              </Title>
              <Text c="dimmed" mt={4}>
                The organiser sees which device checked each guest in. The name is kept on this phone.
              </Text>
            </div>
            {error && (
              <Alert color="red" variant="light" role="alert" title="Could not open the door">
                {error}
              </Alert>
            )}
            <TextInput
              label="Device name"
              name="deviceName"
              size="lg"
              value={name}
              maxLength={DoorLimits.deviceNameMax}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setInvalid(false);
              }}
              error={invalid ? 'Give this device a name, e.g. “North gate phone”.' : null}
              autoComplete="off"
              data-autofocus
            />
            <Button type="submit" size="xl" loading={pending} fullWidth>
              Start scanning
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
