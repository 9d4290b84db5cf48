import { Alert, Button, type ButtonProps, Group, Modal, Stack, Textarea } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ActivityLimits } from '../../shared/event-activity.js';

/** A reason's length as the server counts it: characters (code points) of the trimmed text. */
export const reasonLength = (reason: string) => [...reason.trim()].length;

/**
 * The confirmation of an organiser's change that the scan log records with an optional reason
 * (void a ticket or a batch, undo an admission): what will happen, the reason with its
 * 200-character limit, a refusal in plain words, Cancel and the confirming button. A refusal stays
 * in the dialog, whose Cancel then reads Close.
 */
export function ReasonDialog({
  opened,
  onClose,
  title,
  children,
  reasonDescription,
  reason,
  onReasonChange,
  problem,
  confirmLabel,
  confirmColor,
  pending,
  onConfirm,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What confirming does, in the organiser's words. */
  children: ReactNode;
  reasonDescription: string;
  reason: string;
  onReasonChange: (reason: string) => void;
  /** A refused attempt: its alert's title and text. */
  problem: { title: string; text: string } | null;
  confirmLabel: string;
  confirmColor: string;
  pending: boolean;
  onConfirm: () => void;
}) {
  const length = reasonLength(reason);
  const tooLong = length > ActivityLimits.reasonMax;
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        {children}
        <Textarea
          label="Reason (optional)"
          description={reasonDescription}
          autosize
          minRows={2}
          maxRows={4}
          value={reason}
          onChange={(event) => onReasonChange(event.currentTarget.value)}
          error={tooLong ? `At most ${ActivityLimits.reasonMax} characters (${length} now).` : null}
          data-autofocus
        />
        {problem && (
          <Alert color="red" variant="light" role="alert" title={problem.title}>
            {problem.text}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {problem ? 'Close' : 'Cancel'}
          </Button>
          <Button onClick={() => !tooLong && onConfirm()} loading={pending} disabled={tooLong} color={confirmColor}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/**
 * The button that opens a void's confirmation (a ticket, a batch): outlined, red text, the ban
 * icon, in the table's small size or the page's.
 */
export function VoidButton({
  size,
  children,
  ...rest
}: Pick<ButtonProps, 'loading'> & {
  size: 'xs' | 'md';
  children: ReactNode;
  onClick: () => void;
  'aria-label'?: string;
}) {
  return (
    <Button
      size={size}
      variant="default"
      color="red"
      className="danger-action"
      leftSection={<IconBan size={size === 'md' ? 18 : 14} aria-hidden />}
      {...rest}
    >
      {children}
    </Button>
  );
}
