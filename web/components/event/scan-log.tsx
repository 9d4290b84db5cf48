import { Button, Card, Group, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconArrowUp, IconDownload } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LoggedScanOutcome, Scan } from '../../../shared/door.js';
import { scansCsvUrl } from '../../api/event-activity.js';
import { outcomeLabels } from '../../lib/door-verdicts.js';
import { formatCount } from '../../lib/format.js';
import { needsPolling, throttle } from '../../lib/live-stream.js';
import {
  emptyLiveLog,
  type LiveLog,
  mergeScans,
  pruneLive,
  receiveScans,
  revealPending,
  scanKey,
} from '../../lib/scan-log.js';
import { scanOutcomes } from '../../lib/search-params.js';
import { useDownload } from '../../lib/use-download.js';
import { useScanHead, useScanLog } from '../../queries/event-activity.js';
import type { EventLive } from '../../queries/live.js';
import { LiveIndicator } from '../live-indicator.js';
import { QueryError } from '../route-states.js';
import { ScanLogTable } from './scan-log-table.js';

/** Live scans shown above the first page before the log is fetched again from the top (a long door rush). */
const liveRowsMax = 200;
/** The app shell's fixed header: the log's top is "out of sight" once it is under it. */
const headerPx = 60;

const filterChoices = [
  { value: 'all', label: 'All outcomes' },
  ...scanOutcomes.map((o) => ({ value: o, label: outcomeLabels[o] })),
];

interface Props {
  eventId: string;
  live: EventLive;
  outcome: LoggedScanOutcome | undefined;
  onOutcomeChange: (outcome: LoggedScanOutcome | undefined) => void;
}

/**
 * The Scan log tab: every scan, newest first, filtered by outcome, a page at a time. New scans come
 * in at the top with a short highlight; while the reader is scrolled down the log they wait behind
 * a "new scans" button instead, so nothing moves under their eyes. With a filter, only scans of that
 * outcome come in. While the stream is down the first page is polled instead.
 */
export function ScanLog({ eventId, live, outcome, onOutcomeChange }: Props) {
  const log = useScanLog(eventId, outcome);
  const poll = needsPolling(live.status);
  const head = useScanHead(eventId, outcome, poll && log.data !== undefined);
  const { download, pending: downloading } = useDownload();
  const [liveLog, setLiveLog] = useState<LiveLog>(emptyLiveLog);
  const [holding, setHolding] = useState(false);
  const [filterKey, setFilterKey] = useState(outcome);
  if (filterKey !== outcome) {
    setFilterKey(outcome);
    setLiveLog(emptyLiveLog);
  }

  const paged = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data]);
  // What the stream's callbacks need to read without re-subscribing.
  const current = useRef({ outcome, holding, known: new Set<string>() });
  current.current = { outcome, holding, known: new Set(paged.map(scanKey)) };

  // A burst of scans is taken in at most twice a second, as one change.
  const buffer = useRef<Scan[]>([]);
  const flush = useMemo(
    () =>
      throttle(() => {
        const incoming = buffer.current;
        buffer.current = [];
        setLiveLog((before) => receiveScans(before, incoming, current.current));
      }, 500),
    [],
  );
  useEffect(() => () => flush.cancel(), [flush]);

  const { subscribeScans } = live;
  const refetchHead = head.refetch;
  useEffect(
    () =>
      subscribeScans({
        onScans: (scans) => {
          buffer.current.push(...scans);
          flush();
        },
        // Back from a break: what came in meanwhile is in the first page.
        onReconnect: () => void refetchHead(),
      }),
    [subscribeScans, flush, refetchHead],
  );

  // A polled (or caught-up) first page adds what is new to it, like live scans.
  useEffect(() => {
    if (head.data) setLiveLog((before) => receiveScans(before, head.data.items, current.current));
  }, [head.data]);

  // Pages fetched again hold some live scans: those are shown from the pages.
  useEffect(() => setLiveLog((before) => pruneLive(before, paged)), [paged]);

  // After a long rush, fetch from the top again instead of growing the live part for ever.
  const refetchLog = log.refetch;
  useEffect(() => {
    if (liveLog.shown.length > liveRowsMax && !holding) void refetchLog();
  }, [liveLog.shown.length, holding, refetchLog]);

  // The reader is "down the log" once its top is out of sight above the header.
  const top = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const node = top.current;
    if (!node || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      ([entry]) => {
        if (entry) setHolding(!entry.isIntersecting && entry.boundingClientRect.top < headerPx);
      },
      { rootMargin: `-${headerPx}px 0px 0px 0px` },
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  // Back at the top, the held scans come in.
  useEffect(() => {
    if (!holding) setLiveLog(revealPending);
  }, [holding]);

  const scans = useMemo(() => mergeScans(liveLog.shown, paged), [liveLog.shown, paged]);
  const fresh = useMemo(() => new Set(liveLog.shown.map(scanKey)), [liveLog.shown]);
  const csvUrl = scansCsvUrl(eventId, outcome);
  const showPending = () => {
    setLiveLog(revealPending);
    top.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  };

  return (
    <Card withBorder radius="lg" padding={0} component="section" aria-labelledby="scan-log-title">
      <div ref={top} style={{ scrollMarginTop: headerPx + 8 }} />
      <Stack gap="xs" p="md">
        <Group justify="space-between" gap="sm" wrap="wrap">
          <Title order={2} size="h4" id="scan-log-title">
            Scan log
          </Title>
          <LiveIndicator status={live.status} />
        </Group>
        <Group justify="space-between" gap="sm" wrap="wrap" align="flex-end">
          <Select
            label="Outcome"
            size="sm"
            w={200}
            data={filterChoices}
            value={outcome ?? 'all'}
            allowDeselect={false}
            onChange={(value) => onOutcomeChange(scanOutcomes.find((o) => o === value))}
          />
          <Button
            variant="default"
            leftSection={<IconDownload size={16} aria-hidden />}
            onClick={() => download(csvUrl)}
            loading={downloading === csvUrl}
          >
            Download CSV
          </Button>
        </Group>
      </Stack>

      {liveLog.pending.length > 0 && (
        <div className="scan-log-pending">
          <Button
            size="xs"
            radius="xl"
            leftSection={<IconArrowUp size={14} aria-hidden />}
            onClick={showPending}
            data-testid="scan-log-pending"
          >
            {liveLog.pending.length === 1 ? '1 new scan' : `${formatCount(liveLog.pending.length)} new scans`}
          </Button>
        </div>
      )}

      {log.isError && !log.data ? (
        <Stack p="md">
          <QueryError error={log.error} onRetry={() => void log.refetch()} title="Could not load the scan log" />
        </Stack>
      ) : !log.data ? (
        <Stack p="md" gap="xs" role="status" aria-busy="true" aria-label="Loading the scan log">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} h={32} />
          ))}
        </Stack>
      ) : scans.length === 0 ? (
        <Text c="dimmed" ta="center" p="xl" data-testid="scan-log-empty">
          {outcome
            ? `No scans with the outcome “${outcomeLabels[outcome]}” yet.`
            : 'No scans yet. Every scan at a door, and every redemption, shows here as it happens.'}
        </Text>
      ) : (
        <ScanLogTable scans={scans} fresh={fresh} />
      )}

      {log.data && scans.length > 0 && (
        <Group justify="space-between" p="md" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
          <Text size="sm" c="dimmed" aria-live="polite">
            {formatCount(scans.length)} {scans.length === 1 ? 'scan' : 'scans'} shown
          </Text>
          {log.hasNextPage && (
            <Button
              variant="default"
              size="xs"
              onClick={() => void log.fetchNextPage()}
              loading={log.isFetchingNextPage}
            >
              Load more
            </Button>
          )}
        </Group>
      )}
    </Card>
  );
}
