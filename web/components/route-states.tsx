import { Alert, Button, Center, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCalendarOff, IconMapPinOff, IconRefresh } from '@tabler/icons-react';
import type { ErrorComponentProps } from '@tanstack/react-router';
import { useRouter } from '@tanstack/react-router';
import { describeError } from '../api/errors.js';
import { ButtonLink } from './links.js';

/** An error box with a retry button, for a query that failed. */
export function QueryError({
  error,
  onRetry,
  title = 'Could not load this',
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  return (
    <Alert color="red" variant="light" title={title} icon={<IconAlertTriangle aria-hidden />} role="alert">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{describeError(error)}</Text>
        {onRetry && (
          <Button
            size="xs"
            variant="white"
            color="red"
            leftSection={<IconRefresh size={14} aria-hidden />}
            onClick={onRetry}
          >
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

/** The router's error screen (a loader or page crashed). */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  return (
    <Center py="xl" px="md">
      <Stack maw={520} w="100%">
        <QueryError
          title="Something went wrong"
          error={error}
          onRetry={() => {
            reset();
            void router.invalidate();
          }}
        />
        <ButtonLink to="/" variant="subtle" w="fit-content">
          Back to events
        </ButtonLink>
      </Stack>
    </Center>
  );
}

/** An event id that is unknown (or someone else's, which looks the same). */
export function NoSuchEvent() {
  return (
    <Center py={60} px="md">
      <Stack align="center" gap="sm" maw={440} ta="center">
        <IconCalendarOff size={48} stroke={1.5} aria-hidden />
        <Title order={1} size="h2">
          No such event
        </Title>
        <Text c="dimmed">This event does not exist, or it belongs to another account.</Text>
        <ButtonLink to="/">Back to events</ButtonLink>
      </Stack>
    </Center>
  );
}

/** Unknown addresses. */
export function NotFound() {
  return (
    <Center component="main" py={80} px="md">
      <Stack align="center" gap="sm" maw={420} ta="center">
        <IconMapPinOff size={48} stroke={1.5} aria-hidden />
        <Title order={1} size="h2">
          Page not found
        </Title>
        <Text c="dimmed">There is nothing at this address. Check the link, or go back to your events.</Text>
        <Group>
          <ButtonLink to="/">Go to events</ButtonLink>
        </Group>
      </Stack>
    </Center>
  );
}
