import { Alert, Badge, Button, Card, Group, Modal, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDoorEnter, IconPlus, IconTrash } from '@tabler/icons-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { type CreateDoorLinkResponse, DoorLimits, type DoorLink } from '../../shared/door.js';
import { describeError } from '../api/errors.js';
import { doorLinkStatus, parseExpiry } from '../lib/door-links.js';
import { formatShortTimestamp } from '../lib/format.js';
import { statusColors } from '../lib/status-colors.js';
import { useCreateDoorLink, useDoorLinks, useRevokeDoorLink } from '../queries/door-links.js';
import { DoorLinkCreatedModal } from './door-link-created-modal.js';
import { QueryError } from './route-states.js';

const statusBadges = {
  active: { color: statusColors.ok, label: 'Active' },
  revoked: { color: 'gray.7', label: 'Revoked' },
  expired: { color: 'gray.7', label: 'Expired' },
} as const;

function CreateDoorLinkForm({
  eventId,
  onCreated,
}: {
  eventId: string;
  onCreated: (r: CreateDoorLinkResponse) => void;
}) {
  const create = useCreateDoorLink(eventId);
  const [label, setLabel] = useState('');
  const [expires, setExpires] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const labelError = !label.trim()
    ? 'Name the door, e.g. “North gate”.'
    : label.trim().length > DoorLimits.labelMax
      ? `At most ${DoorLimits.labelMax} characters.`
      : null;
  const expiry = parseExpiry(expires, Date.now());

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (labelError || expiry.error) return;
    create.mutate(
      { label: label.trim(), ...(expiry.expiresAt ? { expiresAt: expiry.expiresAt } : {}) },
      {
        onSuccess: (result) => {
          setSubmitted(false);
          setLabel('');
          setExpires('');
          onCreated(result);
        },
      },
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="New door link">
      <Stack gap="sm">
        {create.isError && (
          <Alert color="red" variant="light" role="alert" p="xs">
            {describeError(create.error)}
          </Alert>
        )}
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            label="Door name"
            name="label"
            placeholder="e.g. North gate"
            value={label}
            maxLength={DoorLimits.labelMax + 20}
            onChange={(e) => setLabel(e.currentTarget.value)}
            error={submitted && labelError}
            autoComplete="off"
            style={{ flex: '1 1 180px' }}
          />
          <TextInput
            label="Expires"
            name="expiresAt"
            type="datetime-local"
            value={expires}
            onChange={(e) => setExpires(e.currentTarget.value)}
            description="Leave empty: 24 h after the event"
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            error={submitted && expiry.error}
            style={{ flex: '1 1 200px' }}
          />
        </Group>
        <Group>
          <Button type="submit" loading={create.isPending} leftSection={<IconPlus size={16} aria-hidden />}>
            Create door link
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DoorLinkRow({ link, now, onRevoke }: { link: DoorLink; now: number; onRevoke: (link: DoorLink) => void }) {
  const status = doorLinkStatus(link, now);
  const badge = statusBadges[status];
  const inactive = status !== 'active';
  return (
    <Stack
      component="li"
      gap={4}
      py="sm"
      className="door-link-row"
      data-testid="door-link-row"
      data-status={status}
      style={{ opacity: inactive ? 0.72 : 1 }}
    >
      <Group justify="space-between" gap="sm" wrap="nowrap">
        <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
          <Text
            fw={700}
            truncate
            c={inactive ? 'dimmed' : undefined}
            td={status === 'revoked' ? 'line-through' : undefined}
          >
            {link.label}
          </Text>
          <Badge color={badge.color} variant={inactive ? 'outline' : 'filled'} radius="sm" style={{ flexShrink: 0 }}>
            {badge.label}
          </Badge>
        </Group>
        {status === 'active' && (
          <Button
            size="xs"
            variant="default"
            color="red"
            leftSection={<IconTrash size={14} aria-hidden />}
            onClick={() => onRevoke(link)}
            aria-label={`Revoke ${link.label}`}
          >
            Revoke
          </Button>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        Created {formatShortTimestamp(link.createdAt)} ·{' '}
        {status === 'revoked' && link.revokedAt
          ? `revoked ${formatShortTimestamp(link.revokedAt)}`
          : `${status === 'expired' ? 'expired' : 'expires'} ${formatShortTimestamp(link.expiresAt)}`}{' '}
        · last used {link.lastUsedAt ? formatShortTimestamp(link.lastUsedAt) : 'never'} · {link.devices}{' '}
        {link.devices === 1 ? 'device' : 'devices'}
      </Text>
    </Stack>
  );
}

/** Door links of an event: create one (shown once as a QR code), see their use, revoke one. */
export function DoorLinksCard({ eventId }: { eventId: string }) {
  const links = useDoorLinks(eventId);
  const revoke = useRevokeDoorLink(eventId);
  const [created, setCreated] = useState<CreateDoorLinkResponse | null>(null);
  const [revoking, setRevoking] = useState<DoorLink | null>(null);
  const now = Date.now();
  const sectionRef = useRef<HTMLElement>(null);

  // Reached through "Scan with a phone: create a door link" (…#door-links): bring the card into view.
  useEffect(() => {
    if (window.location.hash === '#door-links') sectionRef.current?.scrollIntoView({ block: 'start' });
  }, []);

  const confirmRevoke = () => {
    const link = revoking;
    if (!link) return;
    revoke.mutate(link.id, {
      onSuccess: () => {
        setRevoking(null);
        notifications.show({
          color: 'green',
          title: 'Door link revoked',
          message: `${link.label} no longer opens the door.`,
        });
      },
      onError: (error) =>
        notifications.show({ color: 'red', title: 'Could not revoke the door link', message: describeError(error) }),
    });
  };

  return (
    <Card
      ref={sectionRef}
      withBorder
      radius="lg"
      padding="lg"
      component="section"
      aria-labelledby="door-links-title"
      id="door-links"
    >
      <Group gap="xs" mb={4}>
        <IconDoorEnter size={22} aria-hidden />
        <Title order={2} size="h4" id="door-links-title">
          Door links
        </Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Door staff open a door link on their own phone to check guests in by camera, scanner or typing: no password,
        this event only.
      </Text>
      <CreateDoorLinkForm eventId={eventId} onCreated={setCreated} />
      {links.isError && !links.data ? (
        <Stack mt="md">
          <QueryError error={links.error} onRetry={() => void links.refetch()} title="Could not load the door links" />
        </Stack>
      ) : !links.data ? (
        <Stack mt="md" gap="xs" role="status" aria-busy="true" aria-label="Loading door links">
          <Skeleton h={40} />
          <Skeleton h={40} />
        </Stack>
      ) : links.data.length === 0 ? (
        <Text size="sm" mt="md" c="dimmed">
          No door links yet.
        </Text>
      ) : (
        <Stack component="ul" gap={0} mt="md" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Door links">
          {links.data.map((link) => (
            <DoorLinkRow key={link.id} link={link} now={now} onRevoke={setRevoking} />
          ))}
        </Stack>
      )}
      <DoorLinkCreatedModal created={created} onClose={() => setCreated(null)} />
      <Modal
        opened={revoking !== null}
        onClose={() => setRevoking(null)}
        title={revoking ? `Revoke “${revoking.label}”?` : 'Revoke door link?'}
        centered
      >
        <Stack>
          <Text size="sm">
            Every phone that opened this link stops checking guests in at once. Admissions already made stay.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)}>
              Cancel
            </Button>
            <Button color="red.8" onClick={confirmRevoke} loading={revoke.isPending} data-autofocus>
              Revoke
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
