import { Badge } from '@mantine/core';
import type { TicketStatus } from '../../shared/schemas.js';
import { statusColors } from '../lib/status-colors.js';

/** A small OK / REDEEMED / VOID label. */
export function TicketStatusBadge({ status }: { status: TicketStatus }) {
  return (
    <Badge color={statusColors[status]} variant="filled" radius="sm" style={{ flexShrink: 0, overflow: 'visible' }}>
      {status === 'ok' ? 'OK' : status === 'void' ? 'Void' : 'Redeemed'}
    </Badge>
  );
}
