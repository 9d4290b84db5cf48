import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import { IconLinkOff, IconLock, IconQrcode } from '@tabler/icons-react';

export type DoorAccessProblem = 'revoked' | 'signed_out' | 'invalid_link';

const screens: Record<DoorAccessProblem, { icon: typeof IconLock; title: string; text: string }> = {
  revoked: {
    icon: IconLock,
    title: 'This door link has been revoked or has expired',
    text: 'This phone can no longer check guests in. Ask the organiser for a new door link.',
  },
  signed_out: {
    icon: IconQrcode,
    title: 'Open the door link again',
    text: 'This phone is not checking in for any event. Scan the organiser’s door QR code or open the door link again.',
  },
  invalid_link: {
    icon: IconLinkOff,
    title: 'This door link does not work',
    text: 'It may be incomplete, revoked or expired. Ask the organiser for a new door link.',
  },
};

/** A full screen that says why this phone cannot scan, and what to do. */
export function DoorAccessScreen({ problem }: { problem: DoorAccessProblem }) {
  const { icon: Icon, title, text } = screens[problem];
  return (
    <Center component="main" mih="100dvh" p="md" data-testid="door-access" data-problem={problem}>
      <Paper withBorder radius="lg" p="xl" maw={520} w="100%">
        <Stack align="center" ta="center" gap="md">
          <Icon size={64} stroke={1.5} aria-hidden />
          <Title order={1} fz={{ base: 26, sm: 32 }}>
            {title}
          </Title>
          <Text fz="lg">{text}</Text>
        </Stack>
      </Paper>
    </Center>
  );
}
