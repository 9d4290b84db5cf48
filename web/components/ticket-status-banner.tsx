import { Box, Group, Stack, Text } from '@mantine/core';
import { IconCircleCheckFilled, IconCircleXFilled } from '@tabler/icons-react';
import type { TicketStatus } from '../../shared/schemas.js';
import { formatTimestamp } from '../lib/format.js';
import { statusColors } from '../lib/status-colors.js';

/** The big, unmistakable answer: OK in green, REDEEMED in red with when, or VOID (the organiser cancelled it). */
export function TicketStatusBanner({ status, redeemedAt }: { status: TicketStatus; redeemedAt: string | null }) {
  const ok = status === 'ok';
  const Icon = ok ? IconCircleCheckFilled : IconCircleXFilled;
  return (
    <Box
      bg={statusColors[status]}
      c="white"
      p={{ base: 'md', sm: 'xl' }}
      style={{ borderRadius: 'var(--mantine-radius-lg)' }}
      role="status"
      aria-live="polite"
      data-testid="ticket-status"
      data-status={status}
    >
      <Group gap="md" wrap="nowrap" align="center">
        <Icon
          aria-hidden
          style={{ flexShrink: 0, width: 'clamp(40px, 12vw, 64px)', height: 'clamp(40px, 12vw, 64px)' }}
        />
        <Stack gap={2} style={{ minWidth: 0 }}>
          <Text
            fz={{ base: 34, xs: 48, sm: 64 }}
            fw={900}
            lh={1}
            style={{ letterSpacing: '0.02em', overflowWrap: 'anywhere' }}
          >
            {ok ? 'OK' : status === 'void' ? 'VOID' : 'REDEEMED'}
          </Text>
          <Text fz={{ base: 'md', sm: 'lg' }} fw={600}>
            {ok
              ? 'Valid ticket, not redeemed yet.'
              : status === 'void'
                ? 'Cancelled by the organiser: it admits no one.'
                : redeemedAt
                  ? `Redeemed ${formatTimestamp(redeemedAt)}`
                  : 'Already redeemed.'}
          </Text>
        </Stack>
      </Group>
    </Box>
  );
}
