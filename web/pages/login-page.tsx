import { getRouteApi } from '@tanstack/react-router';
import { AuthForm } from '../components/auth-form.js';
import { AuthLayout } from '../components/auth-layout.js';
import { usePageTitle } from '../lib/use-page-title.js';

const route = getRouteApi('/login');

/** Sign in. */
export function LoginPage() {
  const search = route.useSearch();
  usePageTitle('Sign in');
  return (
    <AuthLayout title="Sign in" subtitle="Manage your events and check tickets at the door.">
      <AuthForm mode="login" search={search} />
    </AuthLayout>
  );
}
