import { Group, Text, ThemeIcon } from '@mantine/core';
import { IconTicket } from '@tabler/icons-react';

/** The product mark: icon plus the name "Admit". */
export function Logo({ size = 'lg' }: { size?: 'lg' | 'xl' }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ThemeIcon size={size === 'xl' ? 40 : 32} radius="md" variant="filled" aria-hidden>
        <IconTicket size={size === 'xl' ? 24 : 20} />
      </ThemeIcon>
      <Text component="span" fw={800} fz={size === 'xl' ? 28 : 22} lh={1} style={{ letterSpacing: '-0.02em' }}>
        Admit
      </Text>
    </Group>
  );
}
