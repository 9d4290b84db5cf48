import {
  Button,
  Card,
  CloseButton,
  EmptyState,
  Group,
  NativeSelect,
  Pagination,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { IconCalendarPlus, IconPlus, IconSearch } from '@tabler/icons-react';
import { getRouteApi } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import type { EventSort } from '../../shared/schemas.js';
import { EventsTable } from '../components/events-table.js';
import { NewEventModal } from '../components/new-event-modal.js';
import { QueryError } from '../components/route-states.js';
import { formatCount } from '../lib/format.js';
import { defaultPageSize, defaultSort, type EventsSearch, pageSizes } from '../lib/search-params.js';
import { usePageTitle } from '../lib/use-page-title.js';
import { useEventList } from '../queries/events.js';

const route = getRouteApi('/_authed/');

/** Home: the user's events, searchable, sortable and paged, all kept in the URL. */
export function EventsPage() {
  const search = route.useSearch();
  usePageTitle('Events');
  const navigate = route.useNavigate();
  const [newOpened, newModal] = useDisclosure(false);
  const page = search.page ?? 1;
  const pageSize = search.pageSize ?? defaultPageSize;
  const sort = search.sort ?? defaultSort;
  const list = useEventList({ q: search.q, page, pageSize, sort });

  const setSearch = (patch: Partial<EventsSearch>, replace = false) =>
    void navigate({ to: '/', search: (prev: EventsSearch) => ({ ...prev, ...patch }), replace });

  // The box updates at keystroke speed; the URL (and the query) follow 300 ms after typing stops.
  const [text, setText] = useState(search.q ?? '');
  const [debounced] = useDebouncedValue(text, 300);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs only when the debounced text changes
  useEffect(() => {
    const q = debounced.trim() || undefined;
    if (q !== search.q) setSearch({ q, page: undefined }, true);
  }, [debounced]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: follows back/forward navigation only
  useEffect(() => {
    if ((search.q ?? '') !== debounced.trim()) setText(search.q ?? '');
  }, [search.q]);

  const data = list.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / pageSize)) : 1;
  const first = data && data.total > 0 ? (page - 1) * pageSize + 1 : 0;
  const last = data ? Math.min(data.total, page * pageSize) : 0;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="sm">
        <div>
          <Title order={1}>Events</Title>
          <Text c="dimmed" size="sm">
            Create events, hand out tickets, and watch the door.
          </Text>
        </div>
        <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={newModal.open}>
          New event
        </Button>
      </Group>

      <TextInput
        type="search"
        aria-label="Search events by name"
        placeholder="Search events by name"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        rightSection={text ? <CloseButton aria-label="Clear search" onClick={() => setText('')} size="sm" /> : null}
        maw={480}
      />

      {list.isError && !data ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} title="Could not load your events" />
      ) : !data ? (
        <Stack gap="xs" role="status" aria-busy="true" aria-label="Loading events">
          {[0, 1, 2, 3, 4].map((i) => (
            <Skeleton key={i} h={40} />
          ))}
        </Stack>
      ) : data.total === 0 ? (
        <Card withBorder padding="xl" radius="lg">
          {search.q ? (
            <EmptyState
              icon={<IconSearch size={32} aria-hidden />}
              withIndicatorBackground
              title={`No events match “${search.q}”`}
              description="Check the spelling, or search for part of the name."
            >
              <EmptyState.Actions>
                <Button variant="default" onClick={() => setText('')}>
                  Clear search
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          ) : (
            <EmptyState
              icon={<IconCalendarPlus size={32} aria-hidden />}
              variant="light"
              title="No events yet"
              description="Create your first event: give it a name, a date and a number of tickets. You can add more tickets later."
            >
              <EmptyState.Actions>
                <Button leftSection={<IconPlus size={18} aria-hidden />} onClick={newModal.open}>
                  Create your first event
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          )}
        </Card>
      ) : (
        <Card withBorder padding={0} radius="lg" style={{ opacity: list.isPlaceholderData ? 0.6 : 1 }}>
          <EventsTable
            events={data.items}
            sort={sort}
            onSort={(next: EventSort) => setSearch({ sort: next === defaultSort ? undefined : next, page: undefined })}
          />
          <Group
            justify="space-between"
            p="md"
            gap="sm"
            wrap="wrap"
            style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
          >
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" c="dimmed" className="tabular" aria-live="polite">
                {formatCount(first)}–{formatCount(last)} of {formatCount(data.total)}
              </Text>
              <NativeSelect
                aria-label="Events per page"
                data={pageSizes.map((n) => ({ value: String(n), label: `${n} per page` }))}
                value={String(pageSize)}
                onChange={(e) => {
                  const n = Number(e.currentTarget.value);
                  setSearch({ pageSize: n === defaultPageSize ? undefined : n, page: undefined });
                }}
                w={130}
                size="xs"
              />
            </Group>
            <Pagination
              total={pages}
              value={Math.min(page, pages)}
              onChange={(p) => setSearch({ page: p > 1 ? p : undefined })}
              size="sm"
              siblings={1}
              boundaries={1}
              getItemProps={(p) => ({ 'aria-label': `Page ${p}`, 'aria-current': p === page ? 'page' : undefined })}
              getControlProps={(control) => ({
                'aria-label': `${control.charAt(0).toUpperCase()}${control.slice(1)} page`,
              })}
            />
          </Group>
        </Card>
      )}
      <NewEventModal opened={newOpened} onClose={newModal.close} />
    </Stack>
  );
}
