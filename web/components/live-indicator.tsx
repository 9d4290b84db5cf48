import { Group, Text, type TextProps } from '@mantine/core';
import type { LiveStatus } from '../lib/live-stream.js';
import { statusPollMs } from '../queries/events.js';

const pollSeconds = Math.round(statusPollMs / 1000);

const words = {
  live: { short: 'Live', long: 'Live: figures update as guests arrive' },
  connecting: { short: 'Connecting…', long: `Connecting… updating every ${pollSeconds} s` },
  reconnecting: { short: 'Reconnecting…', long: `Reconnecting… updating every ${pollSeconds} s` },
} as const;

/**
 * Green dot "Live" while the stream delivers; grey "Reconnecting… updating every 5 s" while the page
 * polls instead. `compact` (the door's header) keeps to the short word, with the rest in its title.
 */
export function LiveIndicator({
  status,
  compact = false,
  size = 'sm',
}: {
  status: LiveStatus;
  compact?: boolean;
  size?: TextProps['size'];
}) {
  const { state } = status;
  const text = words[state];
  const shown = compact || state === 'live' ? text.short : text.long;
  return (
    <Group
      gap={6}
      wrap="nowrap"
      role="status"
      aria-live="polite"
      data-testid="live-indicator"
      data-state={state}
      title={text.long}
      style={{ minWidth: 0 }}
    >
      <span className="live-dot" data-state={state} aria-hidden />
      <Text size={size} fw={state === 'live' ? 600 : 500} c={state === 'live' ? undefined : 'dimmed'} truncate>
        {shown}
      </Text>
    </Group>
  );
}
