import { Badge, Box, Group, Stack, Text } from '@mantine/core';
import { IconClockUp, IconDoorEnter } from '@tabler/icons-react';
import type { DoorMe } from '../../../shared/door.js';
import { formatCalendarDate, formatCount } from '../../lib/format.js';
import type { LiveStatus } from '../../lib/live-stream.js';
import type { VerifierStatus } from '../../lib/offline-door.js';
import { LiveIndicator } from '../live-indicator.js';

/**
 * The event, the door and the device this phone scans for, and the live count admitted / total, with
 * a dot that pulses green while the count is live (and says "Reconnecting…" while it is polled instead);
 * "N waiting" while scans decided offline are not sent yet. The phone's copy of the tickets (its count
 * and position) is in data attributes, for tests and support.
 */
export function DoorHeader({
  me,
  live,
  waiting = 0,
  verifier = null,
}: {
  me: DoorMe;
  live: LiveStatus;
  waiting?: number;
  verifier?: VerifierStatus | null;
}) {
  return (
    <Box
      component="header"
      px="sm"
      py={8}
      className="door-header"
      data-testid="door-header"
      data-verifier-count={verifier?.count ?? ''}
      data-verifier-position={verifier?.position ?? ''}
    >
      <Group justify="space-between" wrap="nowrap" gap="sm" align="center">
        <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
          <IconDoorEnter size={28} aria-hidden style={{ flexShrink: 0 }} />
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text
              component="h1"
              fw={800}
              fz={{ base: 17, sm: 22 }}
              lh={1.2}
              lineClamp={2}
              m={0}
              data-testid="door-event"
            >
              {me.event.name}
            </Text>
            <Text fz={{ base: 13, sm: 15 }} c="dimmed" truncate="end" data-testid="door-label">
              {me.doorLink.label}
              {me.device ? ` · ${me.device}` : ''}
              <Text span visibleFrom="sm" inherit>
                {' · '}
                {formatCalendarDate(me.event.date)}
              </Text>
            </Text>
            {waiting > 0 && (
              <Badge
                size="lg"
                radius="sm"
                color="yellow.5"
                c="dark.9"
                tt="none"
                leftSection={<IconClockUp size={16} aria-hidden />}
                data-testid="door-queue"
                style={{ alignSelf: 'flex-start' }}
              >
                {waiting} waiting
              </Badge>
            )}
          </Stack>
        </Group>
        <Stack
          gap={0}
          align="flex-end"
          style={{ flexShrink: 0 }}
          aria-label={`${me.redeemedTickets} of ${me.totalTickets} tickets admitted`}
          role="group"
        >
          <Text fw={800} fz={{ base: 22, sm: 30 }} lh={1.1} className="tabular" data-testid="door-counters">
            {formatCount(me.redeemedTickets)}
            <Text span c="dimmed" inherit fw={600}>
              {' / '}
              {formatCount(me.totalTickets)}
            </Text>
          </Text>
          {live.state === 'live' ? (
            <Group
              gap={6}
              wrap="nowrap"
              title="Live: the count follows every door"
              data-testid="live-indicator"
              data-state="live"
            >
              <span className="live-dot" data-state="live" aria-hidden />
              <Text fz={12} c="dimmed" tt="uppercase" fw={700}>
                admitted
              </Text>
            </Group>
          ) : (
            <>
              <Text fz={12} c="dimmed" tt="uppercase" fw={700}>
                admitted
              </Text>
              <LiveIndicator status={live} compact size="xs" />
            </>
          )}
        </Stack>
      </Group>
    </Box>
  );
}
