import { Box, Table, Text } from '@mantine/core';
import { memo } from 'react';
import type { Scan } from '../../../shared/door.js';
import { formatTimestamp } from '../../lib/format.js';
import { formatScanTime, isEventTicket, scanKey } from '../../lib/scan-log.js';
import { shortTicketId } from '../../lib/ticket-id.js';
import { AnchorLink } from '../links.js';
import { ScanOutcomeBadge } from '../scan-outcome-badge.js';

function TicketCell({ scan }: { scan: Scan }) {
  if (!scan.ticketId) {
    return (
      <Text size="sm" c="dimmed">
        no code
      </Text>
    );
  }
  const short = shortTicketId(scan.ticketId);
  // Only this event's tickets open: a wrong event's code may be anyone's, an unknown one is no ticket.
  return isEventTicket(scan) ? (
    <AnchorLink
      to="/tickets/$ticketId"
      params={{ ticketId: scan.ticketId }}
      className="ticket-id"
      size="sm"
      aria-label={`Ticket ${short}`}
    >
      {short}
    </AnchorLink>
  ) : (
    <Text size="sm" className="ticket-id" title={scan.ticketId}>
      {short}
    </Text>
  );
}

const ScanRow = memo(function ScanRow({ scan, fresh }: { scan: Scan; fresh: boolean }) {
  const where = scan.device ? `${scan.door} · ${scan.device}` : scan.door;
  return (
    <Table.Tr className={fresh ? 'scan-row-new' : undefined} data-outcome={scan.outcome} data-testid="scan-row">
      <Table.Td>
        <Text size="sm" className="tabular" title={formatTimestamp(scan.at)}>
          {formatScanTime(scan.at)}
        </Text>
        {scan.deviceAt && (
          // Decided on the device while offline, sent later: the time is the device's.
          <Text
            size="xs"
            c="dimmed"
            fw={700}
            tt="uppercase"
            data-testid="scan-offline"
            title="Scanned offline: the device's time"
          >
            offline
          </Text>
        )}
      </Table.Td>
      <Table.Td visibleFrom="sm">
        <ScanOutcomeBadge outcome={scan.outcome} size="sm" />
      </Table.Td>
      <Table.Td>
        {/* On a phone the outcome sits above the ticket, whole. */}
        <Box hiddenFrom="sm" mb={4}>
          <ScanOutcomeBadge outcome={scan.outcome} size="sm" />
        </Box>
        <TicketCell scan={scan} />
        <Text size="xs" c="dimmed" hiddenFrom="sm" style={{ overflowWrap: 'anywhere' }}>
          {where}
        </Text>
      </Table.Td>
      <Table.Td visibleFrom="sm" style={{ overflowWrap: 'anywhere' }}>
        <Text size="sm">{scan.door}</Text>
      </Table.Td>
      <Table.Td visibleFrom="sm" style={{ overflowWrap: 'anywhere' }}>
        <Text size="sm" c={scan.device ? undefined : 'dimmed'}>
          {scan.device ?? '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
});

/** The log's rows: time, outcome, ticket (linked when it is this event's), door and device. */
export function ScanLogTable({ scans, fresh }: { scans: readonly Scan[]; fresh: ReadonlySet<string> }) {
  return (
    <Table verticalSpacing={6} aria-label="Scan log" data-testid="scan-log">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Time</Table.Th>
          <Table.Th visibleFrom="sm">Outcome</Table.Th>
          <Table.Th visibleFrom="sm">Ticket</Table.Th>
          <Table.Th hiddenFrom="sm">Scan</Table.Th>
          <Table.Th visibleFrom="sm">Door</Table.Th>
          <Table.Th visibleFrom="sm">Device</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {scans.map((scan) => {
          const key = scanKey(scan);
          return <ScanRow key={key} scan={scan} fresh={fresh.has(key)} />;
        })}
      </Table.Tbody>
    </Table>
  );
}
