import { AppShell, Burger, Button, Container, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCalendarEvent, IconTicket } from '@tabler/icons-react';
import { Link, Outlet, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useSession } from '../queries/session.js';
import { ColorSchemeToggle } from './color-scheme-toggle.js';
import { Logo } from './logo.js';
import { UserMenu } from './user-menu.js';

const navItems = [
  { to: '/', label: 'Events', icon: IconCalendarEvent, isActive: (p: string) => p === '/' || p.startsWith('/events') },
  {
    to: '/check',
    label: 'Check a ticket',
    icon: IconTicket,
    isActive: (p: string) => p.startsWith('/check') || p.startsWith('/tickets'),
  },
] as const;

/** The signed-in shell: header with product name, navigation, scheme toggle and user menu. */
export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure(false);
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  const session = useSession();
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the mobile menu whenever the page changes
  useEffect(() => close(), [pathname, close]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 260, breakpoint: 'sm', collapsed: { desktop: true, mobile: !opened } }}
      padding={0}
    >
      <AppShell.Header>
        <Container size="lg" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap" gap="sm">
            <Group gap="md" wrap="nowrap">
              <Burger
                opened={opened}
                onClick={toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={opened ? 'Close navigation' : 'Open navigation'}
              />
              <Link to="/" aria-label="Admit, go to events" style={{ textDecoration: 'none', color: 'inherit' }}>
                <Logo />
              </Link>
              <Group component="nav" aria-label="Main" gap={4} visibleFrom="sm" ml="md">
                {navItems.map((item) => (
                  <Button
                    key={item.to}
                    component={Link}
                    to={item.to}
                    variant={item.isActive(pathname) ? 'light' : 'subtle'}
                    color={item.isActive(pathname) ? undefined : 'gray'}
                    leftSection={<item.icon size={16} aria-hidden />}
                    aria-current={item.isActive(pathname) ? 'page' : undefined}
                  >
                    {item.label}
                  </Button>
                ))}
              </Group>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <ColorSchemeToggle />
              {session.data && <UserMenu username={session.data.user.username} />}
            </Group>
          </Group>
        </Container>
      </AppShell.Header>

      {/* Rendered only while open, so the collapsed menu is not a second, hidden navigation. */}
      <AppShell.Navbar p="sm" component="nav" aria-label="Main" hidden={!opened}>
        {opened && (
          <>
            {navItems.map((item) => (
              <NavLink
                key={item.to}
                component={Link}
                to={item.to}
                label={item.label}
                leftSection={<item.icon size={18} aria-hidden />}
                active={item.isActive(pathname)}
                aria-current={item.isActive(pathname) ? 'page' : undefined}
              />
            ))}
            {session.data && (
              <Text size="sm" c="dimmed" mt="md" px="sm">
                Signed in as {session.data.user.username}
              </Text>
            )}
          </>
        )}
      </AppShell.Navbar>

      <AppShell.Main>
        <Container size="lg" py="lg" px={{ base: 'sm', sm: 'md' }}>
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
