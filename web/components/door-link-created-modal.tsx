import { Alert, Button, Center, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { QRCodeSVG } from 'qrcode.react';
import type { CreateDoorLinkResponse } from '../../shared/door.js';
import { formatTimestamp } from '../lib/format.js';

/**
 * The new door link, shown once: a large QR code for door staff to scan with their phone, and the
 * URL to copy. Its secret is never shown again (the server keeps only a hash).
 */
export function DoorLinkCreatedModal({
  created,
  onClose,
}: {
  created: CreateDoorLinkResponse | null;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={created ? `Door link “${created.doorLink.label}”` : 'Door link'}
      size="lg"
      centered
      closeOnClickOutside={false}
    >
      {created && (
        <Stack gap="md">
          <Text size="sm">
            Door staff scan this code with their phone’s camera: it opens the scanner for this event, with no password.
          </Text>
          <Center>
            <div style={{ background: 'white', padding: 16, borderRadius: 12, lineHeight: 0 }}>
              <QRCodeSVG
                value={created.link}
                size={280}
                level="M"
                role="img"
                aria-label={`QR code of the door link ${created.doorLink.label}`}
                style={{ width: 'min(280px, 64vw)', height: 'auto' }}
              />
            </div>
          </Center>
          <div>
            <Text size="xs" tt="uppercase" fw={700} c="dimmed" id="door-link-url-label">
              Door link
            </Text>
            <Text
              className="ticket-id door-link-url"
              size="sm"
              aria-labelledby="door-link-url-label"
              data-testid="door-link-url"
            >
              {created.link}
            </Text>
            <Group gap="sm" mt="xs" justify="space-between" wrap="wrap">
              <CopyButton value={created.link} timeout={2500}>
                {({ copied, copy }) => (
                  <Button
                    variant={copied ? 'light' : 'default'}
                    color={copied ? 'teal.9' : undefined}
                    leftSection={copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                    onClick={copy}
                  >
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
              <Text size="xs" c="dimmed">
                Expires {formatTimestamp(created.doorLink.expiresAt)}
              </Text>
            </Group>
          </div>
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle aria-hidden />} title="Shown only now">
            This link will not be shown again: copy it or let staff scan it now. Anyone with it can check guests in for
            this event only, until you revoke it or it expires.
          </Alert>
          <Group justify="flex-end">
            <Button onClick={onClose} data-autofocus>
              Done
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
