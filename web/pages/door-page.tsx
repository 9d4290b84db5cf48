import { Box, Center, Container, SimpleGrid, Stack, Text } from '@mantine/core';
import { useNetwork } from '@mantine/hooks';
import { IconWifiOff } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import type { DoorMe } from '../../shared/door.js';
import { doorAccessLost } from '../api/door.js';
import { describeError } from '../api/errors.js';
import { type DoorAccessProblem, DoorAccessScreen } from '../components/door/door-access-screen.js';
import { DoorAnswer } from '../components/door/door-answer.js';
import { DoorCamera } from '../components/door/door-camera.js';
import { DoorDevicePrompt } from '../components/door/door-device-prompt.js';
import { DoorHeader } from '../components/door/door-header.js';
import { DoorManualEntry } from '../components/door/door-manual-entry.js';
import { DoorOfflineNotices } from '../components/door/door-offline-notices.js';
import { DoorRecentScans } from '../components/door/door-recent-scans.js';
import { PageLoader } from '../components/page-loader.js';
import { QueryError } from '../components/route-states.js';
import { TicketLabelLookup } from '../components/ticket-label-lookup.js';
import { saveDeviceName, secretFromHash } from '../lib/door-device.js';
import { unlockDoorAudio } from '../lib/door-feedback.js';
import { type LiveStatus, needsPolling } from '../lib/live-stream.js';
import { OfflineDoor } from '../lib/offline-door.js';
import { registerServiceWorker } from '../lib/service-worker.js';
import { useDoorScanner } from '../lib/use-door-scanner.js';
import { useOfflineDoor } from '../lib/use-offline-door.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useDoorLive, useDoorMe, useDoorScans, useStartDoorSession } from '../queries/door.js';

/**
 * A persistent notice while the phone is offline: with a copy of the tickets, scans are checked on
 * the phone and sent later; without one (not downloaded yet), they cannot be checked.
 */
function OfflineBanner({ canDecide, waiting }: { canDecide: boolean; waiting: number }) {
  return (
    <Box role="status" className="door-offline" px="sm" py={8} data-testid="door-offline">
      <Text fw={700} fz="md" ta="center">
        <IconWifiOff size={18} aria-hidden style={{ verticalAlign: '-3px', marginRight: 6 }} />
        {canDecide
          ? `Offline: scans are checked on this phone and sent when the connection is back · ${waiting} waiting`
          : 'Offline: scans cannot be checked until the connection is back'}
      </Text>
    </Box>
  );
}

/** Online, while offline scans are still being sent: how many wait. */
function WaitingBanner({ waiting }: { waiting: number }) {
  return (
    <Box role="status" className="door-waiting" px="sm" py={6} data-testid="door-waiting">
      <Text fw={700} fz="md" ta="center">
        {waiting === 1 ? '1 scan waiting to be sent' : `${waiting} scans waiting to be sent`}
      </Text>
    </Box>
  );
}

/** The scanner itself: header, camera, typing, recent scans, and the full-screen answer. */
function DoorScannerScreen({
  me,
  live,
  door,
  onAccessLost,
}: {
  me: DoorMe;
  live: LiveStatus;
  door: OfflineDoor;
  onAccessLost: (why: 'revoked' | 'signed_out') => void;
}) {
  usePageTitle(`Door · ${me.event.name}`);
  const { online } = useNetwork();
  const offline = useOfflineDoor(door, me, onAccessLost);
  const scanner = useDoorScanner({ onAccessLost, offline: { door, onQueued: offline.queued } });
  const scans = useDoorScans(true);
  const lost = doorAccessLost(scans.error);
  useEffect(() => {
    if (lost) onAccessLost(lost);
  }, [lost, onAccessLost]);

  return (
    <Box component="main" mih="100dvh" className="door-page">
      <DoorHeader me={me} live={live} waiting={offline.waiting} verifier={offline.status} />
      {!online && <OfflineBanner canDecide={offline.status !== null} waiting={offline.waiting} />}
      {online && offline.waiting > 0 && <WaitingBanner waiting={offline.waiting} />}
      <Container size="lg" px="sm" py="sm">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
          <Stack gap="sm">
            <DoorCamera onCode={(code) => scanner.submit(code, 'camera')} />
            <DoorManualEntry screen={scanner.machine.screen} onSubmit={(code) => scanner.submit(code, 'typed')} />
            <TicketLabelLookup onAccessLost={onAccessLost} />
            <Text size="xs" c="dimmed" visibleFrom="xs">
              A handheld scanner works anywhere on this page: no need to tap first.
            </Text>
          </Stack>
          <DoorOfflineNotices notices={offline.notices} problems={offline.problems} onDismiss={offline.dismissNotice} />
          <DoorRecentScans
            scans={scans.data}
            error={scans.error}
            onUndone={scanner.forget}
            onAccessLost={onAccessLost}
            offline={!online}
          />
        </SimpleGrid>
      </Container>
      <DoorAnswer screen={scanner.machine.screen} onDismiss={scanner.dismiss} onRetry={scanner.retry} />
    </Box>
  );
}

/**
 * `/door`: the page a door link opens, for a volunteer's phone. With a secret in the fragment it asks
 * for the device's name and opens a door session (a cookie), then drops the secret from the address;
 * without one it resumes the session this phone already has. No organiser login, no app chrome.
 */
export function DoorPage() {
  const [secret, setSecret] = useState(() => secretFromHash(window.location.hash));
  // The phone's copy of the tickets, for offline decisions; kept current after each live frame too.
  const [door] = useState(() => new OfflineDoor());
  useEffect(() => registerServiceWorker(), []);
  const [problem, setProblem] = useState<DoorAccessProblem | null>(null);
  const start = useStartDoorSession();
  // The counters follow the event's live stream; only while it is down are they polled.
  const [poll, setPoll] = useState(true);
  const me = useDoorMe(secret === null && problem === null, poll);
  const scanning = problem === null && secret === null && !doorAccessLost(me.error);
  const live = useDoorLive(scanning ? (me.data?.event.id ?? null) : null, (message) => {
    if ((message.kind === 'scan' || message.kind === 'counters') && navigator.onLine) {
      void door.sync().catch(() => undefined);
    }
  });
  const livePoll = needsPolling(live);
  useEffect(() => setPoll(livePoll), [livePoll]);
  usePageTitle('Door');
  const onAccessLost = useCallback((why: 'revoked' | 'signed_out') => setProblem(why), []);

  // A door link opened on a page that is already /door (pasted in the address bar) changes only the fragment.
  useEffect(() => {
    const onHashChange = () => {
      const next = secretFromHash(window.location.hash);
      if (next === null) return;
      setProblem(null);
      setSecret(next);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  if (problem) return <DoorAccessScreen problem={problem} />;

  if (secret !== null) {
    const onStart = (deviceName: string) => {
      unlockDoorAudio(); // this tap lets the page play sounds later
      saveDeviceName(deviceName);
      start.mutate(
        { secret, deviceName },
        {
          onSuccess: () => {
            // The secret has done its job: keep it out of the history, bookmarks and screenshots.
            window.history.replaceState(
              window.history.state,
              '',
              `${window.location.pathname}${window.location.search}`,
            );
            setSecret(null);
          },
          onError: (error) => {
            const lost = doorAccessLost(error);
            if (lost) setProblem(lost === 'revoked' ? 'revoked' : 'invalid_link');
          },
        },
      );
    };
    const error = start.isError && !doorAccessLost(start.error) ? describeError(start.error) : null;
    return <DoorDevicePrompt onStart={onStart} pending={start.isPending} error={error} />;
  }

  const meLost = doorAccessLost(me.error);
  if (meLost) return <DoorAccessScreen problem={meLost} />;
  // A failed poll keeps the last counters on screen (the offline banner says why); only a first load fails here.
  if (me.isError && !me.data) {
    return (
      <Center component="main" mih="100dvh" p="md">
        <Box maw={480} w="100%">
          <QueryError error={me.error} onRetry={() => void me.refetch()} title="Could not open the door" />
        </Box>
      </Center>
    );
  }
  if (!me.data) {
    return (
      <Box component="main">
        <PageLoader label="Opening the door…" />
      </Box>
    );
  }
  return <DoorScannerScreen me={me.data} live={live} door={door} onAccessLost={onAccessLost} />;
}
