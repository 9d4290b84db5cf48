import { Badge, type MantineSize } from '@mantine/core';
import {
  IconAlertTriangleFilled,
  IconArrowBackUp,
  IconBan,
  IconCircleCheckFilled,
  IconCircleXFilled,
  IconHelpCircleFilled,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import type { LoggedScanOutcome } from '../../shared/door.js';
import { outcomeLabels, verdictColors } from '../lib/door-verdicts.js';

type IconType = ComponentType<{ size?: number; 'aria-hidden'?: boolean }>;

/** The door's verdict colours and icons, small: the same look on the door's recent list and the scan log. */
export const outcomeLooks: Record<LoggedScanOutcome, { background: string; foreground: string; icon: IconType }> = {
  admitted: { ...verdictColors.admit, icon: IconCircleCheckFilled },
  already_redeemed: { ...verdictColors.refuse, icon: IconCircleXFilled },
  wrong_event: { ...verdictColors.amber, icon: IconAlertTriangleFilled },
  not_found: { ...verdictColors.grey, icon: IconHelpCircleFilled },
  unreadable: { ...verdictColors.grey, icon: IconHelpCircleFilled },
  void: { ...verdictColors.refuse, icon: IconBan },
  offline_double_entry: { ...verdictColors.amber, icon: IconAlertTriangleFilled },
  undone: { background: '#3b4aa8', foreground: '#ffffff', icon: IconArrowBackUp },
  voided: { background: '#5c2a8a', foreground: '#ffffff', icon: IconBan },
  unvoided: { background: '#3b4aa8', foreground: '#ffffff', icon: IconArrowBackUp },
};

/** A scan's outcome as a small badge: icon, word and colour, so colour is never the only cue. */
export function ScanOutcomeBadge({ outcome, size = 'md' }: { outcome: LoggedScanOutcome; size?: MantineSize }) {
  const look = outcomeLooks[outcome];
  const Icon = look.icon;
  return (
    <Badge
      radius="sm"
      size={size}
      tt="none"
      leftSection={<Icon size={14} aria-hidden />}
      style={{ background: look.background, color: look.foreground, flexShrink: 0 }}
    >
      {outcomeLabels[outcome]}
    </Badge>
  );
}
