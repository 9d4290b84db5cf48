import { Box, Button, Group, Loader, Stack, Text } from '@mantine/core';
import {
  IconAlertTriangleFilled,
  IconCircleCheckFilled,
  IconCircleXFilled,
  IconHelpCircleFilled,
  IconRefresh,
  IconWifiOff,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { DoorScanResult } from '../../../shared/door.js';
import { type DoorScreen, type LocalDecision, verdictMs } from '../../lib/door-scan-machine.js';
import {
  describeFailure,
  formatDoorTime,
  notCheckedLook,
  type VerdictLook,
  verdictLook,
} from '../../lib/door-verdicts.js';
import { shortTicketId } from '../../lib/ticket-id.js';

const icons: Record<VerdictLook['tone'], ComponentType<{ size?: number | string; 'aria-hidden'?: boolean }>> = {
  admit: IconCircleCheckFilled,
  refuse: IconCircleXFilled,
  wrong: IconAlertTriangleFilled,
  unknown: IconHelpCircleFilled,
  warn: IconWifiOff,
};

function verdictDetails(result: DoorScanResult): string[] {
  const ticket = result.ticket ? `Ticket ${shortTicketId(result.ticket.id)}` : null;
  switch (result.outcome) {
    case 'admitted':
      return [ticket ?? 'Let the guest in.'];
    case 'already_redeemed': {
      const lines = [
        result.redeemedAt ? `First admitted ${formatDoorTime(result.redeemedAt)}` : 'Admitted before',
        result.redeemedAtDoor ? `Door: ${result.redeemedAtDoor}` : null,
        result.duplicateScans !== undefined
          ? `Refused attempts since: ${result.duplicateScans} (this one included)`
          : null,
      ];
      return [...lines, ticket].filter((line): line is string => line !== null);
    }
    case 'wrong_event':
      return ['This ticket is for another event.'];
    case 'not_found':
      return ['No ticket has this code. Check it, or ask the organiser.'];
    case 'unreadable':
      return ['No ticket code in what was scanned.'];
    case 'void': {
      const reason = result.voidReason ? `Reason: ${result.voidReason}` : 'No reason given.';
      return ['The organiser cancelled this ticket: do not admit.', reason, ticket].filter(
        (line): line is string => line !== null,
      );
    }
    case 'offline_double_entry':
      // Only an upload's answer (the page shows it as a notice), never a live scan's.
      return [
        result.redeemedAtDoor ? `Admitted first at ${result.redeemedAtDoor}` : 'Admitted first at another door',
        ticket,
      ].filter((line): line is string => line !== null);
  }
}

/** The lines of a verdict the phone decided from its copy of the tickets. */
function offlineDetails(decision: LocalDecision): string[] {
  const ticket = decision.ticketId ? `Ticket ${shortTicketId(decision.ticketId)}` : null;
  const lines = (() => {
    switch (decision.outcome) {
      case 'admitted':
        return [ticket, 'Checked on this phone: sent when the connection is back.'];
      case 'already_redeemed':
        return ['Used before the connection dropped, or scanned on this phone.', ticket];
      case 'void':
        return ['The organiser cancelled this ticket: do not admit.', ticket];
      case 'not_found':
        return ['No ticket of this event has this code. Check it, or ask the organiser.'];
    }
  })();
  return lines.filter((line): line is string => line !== null);
}

function Panel({
  look,
  lines,
  onDismiss,
  children,
  testOutcome,
  timed,
  offline = false,
}: {
  look: VerdictLook;
  lines: string[];
  onDismiss: () => void;
  children?: React.ReactNode;
  testOutcome: string;
  timed: boolean;
  /** Decided on the phone, without the server: said in a big mark under the word. */
  offline?: boolean;
}) {
  const Icon = icons[look.tone];
  return (
    // The whole answer is one big tap target: a tap dismisses it sooner (Escape does from a keyboard).
    <Box
      className="door-answer"
      data-testid="door-answer"
      data-outcome={testOutcome}
      data-offline={offline ? 'true' : undefined}
      role="alert"
      aria-live="assertive"
      onClick={onDismiss}
      style={{ background: look.background, color: look.foreground }}
    >
      <Stack align="center" justify="center" gap="md" mih="100%" p="md" ta="center" maw={720} mx="auto">
        <Icon size="min(30vw, 140px)" aria-hidden />
        <Text className="door-answer-word" component="p" fw={900} lh={1.05}>
          {look.word}
        </Text>
        {offline && (
          <Text
            className="door-answer-offline"
            component="p"
            fw={900}
            data-testid="door-answer-offline"
            style={{ borderColor: look.foreground }}
          >
            <IconWifiOff size="0.9em" aria-hidden style={{ verticalAlign: '-0.1em', marginRight: '0.25em' }} />
            OFFLINE
          </Text>
        )}
        <Stack gap={4}>
          {lines.map((line) => (
            <Text key={line} fz={{ base: 20, sm: 26 }} fw={600} lh={1.3}>
              {line}
            </Text>
          ))}
        </Stack>
        {children}
        {timed && <div className="door-answer-timer" style={{ animationDuration: `${verdictMs}ms` }} aria-hidden />}
      </Stack>
    </Box>
  );
}

/** The full-screen answer to a scan (about 2 s, a tap dismisses it), or NOT CHECKED with "Try again". */
export function DoorAnswer({
  screen,
  onDismiss,
  onRetry,
}: {
  screen: DoorScreen;
  onDismiss: () => void;
  onRetry: () => void;
}) {
  if (screen.kind === 'checking') {
    return (
      <Box className="door-checking" role="status" aria-live="polite" data-testid="door-checking">
        <Group gap="sm" justify="center">
          <Loader size="sm" color="white" aria-hidden />
          <Text fw={700} fz="lg">
            Checking…
          </Text>
        </Group>
      </Box>
    );
  }
  if (screen.kind === 'verdict') {
    const look = verdictLook(screen.result.outcome);
    return (
      <Panel
        look={look}
        lines={screen.offline ? offlineDetails(screen.offline) : verdictDetails(screen.result)}
        onDismiss={onDismiss}
        testOutcome={screen.result.outcome}
        offline={screen.offline !== undefined}
        timed
      >
        <Text fz="sm" fw={600} opacity={0.9}>
          Tap to continue
        </Text>
      </Panel>
    );
  }
  if (screen.kind === 'not_checked') {
    const lines = [describeFailure(screen.reason, screen.detail), `Code ${screen.attempt.code.slice(0, 40)}`];
    return (
      <Panel look={notCheckedLook} lines={lines} onDismiss={() => undefined} testOutcome="not_checked" timed={false}>
        <Group gap="sm" justify="center" wrap="wrap">
          <Button
            size="xl"
            color="dark"
            leftSection={<IconRefresh size={24} aria-hidden />}
            onClick={(event) => {
              event.stopPropagation();
              onRetry();
            }}
          >
            Try again
          </Button>
          <Button
            size="xl"
            variant="outline"
            color="dark"
            onClick={(event) => {
              event.stopPropagation();
              onDismiss();
            }}
          >
            Dismiss
          </Button>
        </Group>
      </Panel>
    );
  }
  return null;
}
