import { Avatar, Menu, Text, UnstyledButton } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChevronDown, IconLogout } from '@tabler/icons-react';
import { useNavigate } from '@tanstack/react-router';
import { useLogout } from '../queries/session.js';

/** The signed-in user's menu, with logout (which revokes the session on the server). */
export function UserMenu({ username }: { username: string }) {
  const navigate = useNavigate();
  const logout = useLogout();
  const signOut = () =>
    logout.mutate(undefined, {
      onSettled: (_data, error) => {
        if (error)
          notifications.show({ color: 'yellow', message: 'Signed out here; the server could not be reached.' });
        void navigate({ to: '/login' });
      },
    });
  return (
    <Menu position="bottom-end" width={220} withArrow>
      <Menu.Target>
        <UnstyledButton
          aria-label={`Account menu for ${username}`}
          style={{ display: 'flex', alignItems: 'center', gap: 8 }}
        >
          <Avatar size={32} color="indigo" radius="xl" aria-hidden>
            {username.slice(0, 2).toUpperCase()}
          </Avatar>
          <Text size="sm" fw={500} visibleFrom="sm" maw={160} truncate>
            {username}
          </Text>
          <IconChevronDown size={14} aria-hidden />
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Signed in as {username}</Menu.Label>
        <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={signOut} disabled={logout.isPending}>
          Log out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
