import { getRouteApi } from '@tanstack/react-router';
import { AuthForm } from '../components/auth-form.js';
import { AuthLayout } from '../components/auth-layout.js';
import { usePageTitle } from '../lib/use-page-title.js';

const route = getRouteApi('/register');

/** Create an account (signs in at once). */
export function RegisterPage() {
  const search = route.useSearch();
  usePageTitle('Create account');
  return (
    <AuthLayout title="Create your account" subtitle="Start selling and checking tickets in a minute.">
      <AuthForm mode="register" search={search} />
    </AuthLayout>
  );
}
