import { Group, Table, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowsSort, IconArrowUp } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { EventSort } from '../../shared/schemas.js';

type Field = 'name' | 'date' | 'createdAt';

/** Next sort when a header is clicked: the same column flips direction, a new one starts on its natural order. */
export function nextSort(current: EventSort, field: Field): EventSort {
  if (current === field) return `-${field}` as EventSort;
  if (current === `-${field}`) return field;
  return field === 'createdAt' ? '-createdAt' : field;
}

/** A column header that sorts the table, announcing its state with aria-sort. */
export function SortHeader(props: {
  field: Field;
  sort: EventSort;
  onSort: (sort: EventSort) => void;
  children: ReactNode;
  visibleFrom?: 'xs' | 'sm' | 'md';
}) {
  const { field, sort, onSort, children, visibleFrom } = props;
  const direction = sort === field ? 'ascending' : sort === `-${field}` ? 'descending' : 'none';
  const Icon = direction === 'ascending' ? IconArrowUp : direction === 'descending' ? IconArrowDown : IconArrowsSort;
  return (
    <Table.Th aria-sort={direction} visibleFrom={visibleFrom}>
      <UnstyledButton onClick={() => onSort(nextSort(sort, field))} fw={700} fz="sm" style={{ whiteSpace: 'nowrap' }}>
        <Group gap={4} wrap="nowrap">
          {children}
          <Icon size={14} aria-hidden style={{ opacity: direction === 'none' ? 0.5 : 1 }} />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
