import { Card, EmptyState, Group, Progress, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useInterval } from '@mantine/hooks';
import { IconChartBar } from '@tabler/icons-react';
import { lazy, Suspense, useState } from 'react';
import type { ArrivalsBucket } from '../../../shared/event-activity.js';
import type { EventStatus } from '../../../shared/schemas.js';
import {
  arrivalBars,
  arrivalTotals,
  bucketChoices,
  bucketMinutes,
  describePeak,
  formatBucketRange,
  isBucket,
  maxBars,
  peakRate,
} from '../../lib/arrivals.js';
import { verdictColors } from '../../lib/door-verdicts.js';
import { formatCount } from '../../lib/format.js';
import { useArrivals } from '../../queries/event-activity.js';
import { QueryError } from '../route-states.js';

const ArrivalsBarChart = lazy(() => import('./arrivals-bar-chart.js'));

interface Props {
  eventId: string;
  counters: EventStatus;
  poll: boolean;
  bucket: ArrivalsBucket;
  onBucketChange: (bucket: ArrivalsBucket) => void;
}

function windowWords(bucket: ArrivalsBucket): string {
  const minutes = maxBars[bucket] * bucketMinutes[bucket];
  if (minutes === 1440) return 'day';
  return minutes % 1440 === 0 ? `${minutes / 1440} days` : `${minutes / 60} hours`;
}

/** Admitted/total, the peak rate, and a bar chart of admitted and refused scans per bucket. */
export function ArrivalsCard({ eventId, counters, poll, bucket, onBucketChange }: Props) {
  const arrivals = useArrivals(eventId, bucket, poll);
  // The chart runs on to "now", so it moves on through a lull too.
  const [now, setNow] = useState(() => Date.now());
  useInterval(() => setNow(Date.now()), 30_000, { autoInvoke: true });
  const items = arrivals.data?.items ?? [];
  const shownBucket = arrivals.data?.bucket ?? bucket;
  const { bars, cut } = arrivalBars(items, shownBucket, Math.max(now, arrivals.dataUpdatedAt));
  const peak = peakRate(items, shownBucket);
  const totals = arrivalTotals(items);
  const { totalTickets: total, redeemedTickets: admitted } = counters;
  const percent = total ? (admitted / total) * 100 : 0;
  const data = bars.map((bar) => ({
    range: formatBucketRange(bar.ms, shownBucket),
    Admitted: bar.admitted,
    Refused: bar.refused,
  }));
  const per = bucketChoices.find((c) => c.value === shownBucket)?.label ?? shownBucket;

  return (
    <Card withBorder radius="lg" padding="lg" component="section" aria-labelledby="arrivals-title">
      <Group justify="space-between" gap="sm" mb="xs" wrap="wrap">
        <Title order={2} size="h4" id="arrivals-title">
          Arrivals
        </Title>
        <SegmentedControl
          size="xs"
          aria-label="Scans per"
          value={bucket}
          onChange={(value) => isBucket(value) && onBucketChange(value)}
          data={bucketChoices}
        />
      </Group>

      <Stack gap={4} mb="md">
        <Group justify="space-between" gap="xs" wrap="wrap">
          <Text size="sm" data-testid="arrivals-progress">
            <strong className="tabular">{formatCount(admitted)}</strong> of{' '}
            <span className="tabular">{formatCount(total)}</span> admitted
            {total > 0 && (
              <span className="tabular"> · {percent > 0 && percent < 1 ? '<1' : Math.floor(percent)}%</span>
            )}
          </Text>
          {totals.refused > 0 && (
            <Text size="sm" c="dimmed" className="tabular">
              {formatCount(totals.refused)} refused scans
            </Text>
          )}
        </Group>
        <Progress
          value={percent}
          color={verdictColors.admit.background}
          size="sm"
          aria-label={`${Math.floor(percent)}% of tickets admitted`}
        />
        {peak && (
          <Text size="sm" c="dimmed" data-testid="arrivals-peak">
            {describePeak(peak, shownBucket, now)}
          </Text>
        )}
      </Stack>

      {arrivals.isError && !arrivals.data ? (
        <QueryError error={arrivals.error} onRetry={() => void arrivals.refetch()} title="Could not load arrivals" />
      ) : !arrivals.data ? (
        <Skeleton h={220} role="status" aria-busy="true" aria-label="Loading arrivals" />
      ) : bars.length === 0 ? (
        <EmptyState
          icon={<IconChartBar size={28} aria-hidden />}
          withIndicatorBackground
          title="No scans yet"
          description="Before the doors open the chart is empty. It fills in as guests arrive: admitted in green, refused in red."
          data-testid="arrivals-empty"
        />
      ) : (
        <>
          <Suspense fallback={<Skeleton h={220} role="status" aria-busy="true" aria-label="Loading the chart" />}>
            <ArrivalsBarChart
              data={data}
              label={`Scans per ${per}: ${formatCount(totals.admitted)} admitted and ${formatCount(totals.refused)} refused${peak ? `. ${describePeak(peak, shownBucket, now)}` : ''}.`}
              dimmed={arrivals.isPlaceholderData}
            />
          </Suspense>
          <Group gap="md" mt={6} justify="center" aria-hidden data-testid="arrivals-legend">
            {[
              { name: 'Admitted', color: verdictColors.admit.background },
              { name: 'Refused', color: verdictColors.refuse.background },
            ].map((series) => (
              <Group key={series.name} gap={6} wrap="nowrap">
                <span className="legend-swatch" style={{ background: series.color }} />
                <Text size="xs">{series.name}</Text>
              </Group>
            ))}
          </Group>
          {cut && (
            <Text size="xs" c="dimmed" mt={4}>
              The chart shows the last {windowWords(shownBucket)}
              {shownBucket === '1h' ? '.' : '; a longer bucket shows more.'}
            </Text>
          )}
        </>
      )}
    </Card>
  );
}
