import { Card, Group, Progress, RingProgress, SimpleGrid, Stack, Text } from '@mantine/core';
import type { EventStatus } from '../../shared/schemas.js';
import { formatCount } from '../lib/format.js';

function Stat({ label, value, testId }: { label: string; value: number; testId: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" tt="uppercase" fw={700} c="dimmed">
        {label}
      </Text>
      <Text fz={{ base: 24, sm: 32 }} fw={700} lh={1.2} className="tabular" data-testid={testId}>
        {formatCount(value)}
      </Text>
    </Stack>
  );
}

/**
 * Total, redeemed and remaining tickets with a ring showing the redeemed share; void tickets (counted
 * in Total, never admitted) apart, and left out of Remaining and of the share.
 */
export function EventCounters({ status, voidTickets = 0 }: { status: EventStatus; voidTickets?: number }) {
  const { totalTickets: total, redeemedTickets: redeemed } = status;
  const valid = Math.max(0, total - voidTickets);
  const percent = valid ? Math.min(100, (redeemed / valid) * 100) : 0;
  const shown = percent > 0 && percent < 1 ? '<1' : String(Math.floor(percent));
  return (
    <Card withBorder radius="lg" padding="lg" aria-label="Ticket counters" component="section">
      <Group gap="lg" wrap="nowrap" align="center">
        <RingProgress
          size={112}
          thickness={12}
          roundCaps
          sections={[{ value: percent, color: percent >= 100 ? 'green.8' : 'indigo.7' }]}
          label={
            <Text ta="center" fw={700} size="lg" className="tabular">
              {shown}%
            </Text>
          }
          aria-label={`${shown}% of tickets redeemed`}
          role="img"
          visibleFrom="xs"
        />
        <SimpleGrid cols={3} spacing="md" style={{ flex: 1 }} aria-live="polite">
          <Stat label="Total" value={total} testId="total-tickets" />
          <Stat label="Redeemed" value={redeemed} testId="redeemed-tickets" />
          <Stat label="Remaining" value={Math.max(0, valid - redeemed)} testId="remaining-tickets" />
        </SimpleGrid>
      </Group>
      {voidTickets > 0 && (
        <Text size="sm" mt="xs" ta="right" aria-live="polite" data-testid="void-tickets">
          <Text span fw={700} c="red.9" className="tabular" inherit>
            {formatCount(voidTickets)} void
          </Text>{' '}
          <Text span c="dimmed" inherit>
            (in Total, never admitted)
          </Text>
        </Text>
      )}
      <Progress
        value={percent}
        color={percent >= 100 ? 'green.8' : 'indigo.7'}
        mt="md"
        size="md"
        hiddenFrom="xs"
        aria-label={`${shown}% of tickets redeemed`}
      />
    </Card>
  );
}
