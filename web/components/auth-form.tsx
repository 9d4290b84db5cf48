import { Alert, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertCircle, IconClockExclamation } from '@tabler/icons-react';
import { useRouter } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { describeError } from '../api/errors.js';
import type { AuthSearch } from '../lib/search-params.js';
import { validatePassword, validateUsername } from '../lib/validation.js';
import { useLogin, useRegister } from '../queries/session.js';
import { AnchorLink } from './links.js';

interface Props {
  mode: 'login' | 'register';
  search: AuthSearch;
}

/** The sign-in and sign-up form; on success the user goes to `next` (a same-site path) or home. */
export function AuthForm({ mode, search }: Props) {
  const router = useRouter();
  const login = useLogin();
  const register = useRegister();
  const mutation = mode === 'login' ? login : register;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);

  const usernameError = submitted ? validateUsername(username) : null;
  const passwordError = submitted ? validatePassword(password) : null;

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (validateUsername(username) || validatePassword(password)) return;
    mutation.mutate(
      { username: username.trim(), password },
      { onSuccess: () => void router.navigate({ href: search.next ?? '/', replace: true }) },
    );
  };

  const isLogin = mode === 'login';
  const otherSearch = search.next ? { next: search.next } : {};
  return (
    <form onSubmit={onSubmit} noValidate aria-label={isLogin ? 'Sign in' : 'Create account'}>
      <Stack gap="md">
        {search.expired && isLogin && (
          <Alert color="yellow" variant="light" icon={<IconClockExclamation aria-hidden />} role="status">
            Your session expired, sign in again.
          </Alert>
        )}
        {mutation.isError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
            {describeError(mutation.error)}
          </Alert>
        )}
        <TextInput
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
          error={usernameError}
          description={isLogin ? undefined : '3 to 64 characters'}
          data-autofocus
          autoFocus
        />
        <PasswordInput
          label="Password"
          name="password"
          autoComplete={isLogin ? 'current-password' : 'new-password'}
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={passwordError}
          description={isLogin ? undefined : 'At least 8 characters'}
        />
        <Button type="submit" fullWidth size="md" loading={mutation.isPending}>
          {isLogin ? 'Sign in' : 'Create account'}
        </Button>
        <Text size="sm" ta="center" c="dimmed">
          {isLogin ? 'New to Admit? ' : 'Already have an account? '}
          <AnchorLink to={isLogin ? '/register' : '/login'} search={otherSearch} fw={600}>
            {isLogin ? 'Create an account' : 'Sign in'}
          </AnchorLink>
        </Text>
      </Stack>
    </form>
  );
}
