import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { ColorSchemeToggle } from './color-scheme-toggle.js';
import { Logo } from './logo.js';

/** Centered card used by the login and register pages. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle: string; children: ReactNode }) {
  return (
    <Box
      mih="100vh"
      style={{ background: 'light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))' }}
      px="sm"
    >
      <Box pos="absolute" top={12} right={12}>
        <ColorSchemeToggle />
      </Box>
      <Center mih="100vh" py="xl">
        <Stack w="100%" maw={420} gap="lg">
          <Center>
            <Logo size="xl" />
          </Center>
          <Paper component="main" withBorder shadow="sm" p={{ base: 'lg', xs: 'xl' }} radius="lg">
            <Stack gap={4} mb="lg">
              <Title order={1} size="h2">
                {title}
              </Title>
              <Text c="dimmed" size="sm">
                {subtitle}
              </Text>
            </Stack>
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
